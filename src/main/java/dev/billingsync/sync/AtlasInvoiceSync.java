package dev.billingsync.sync;

import dev.billingsync.atlas.AtlasInvoiceReader;
import dev.billingsync.atlas.AtlasInvoiceReader.Shape;
import dev.billingsync.atlas.AtlasInvoiceSummary;
import dev.billingsync.atlas.AtlasOrgSession;
import dev.billingsync.atlas.AtlasPayload;
import dev.billingsync.invoices.InvoiceStore;
import dev.billingsync.invoices.InvoiceStore.StoredInvoice;
import dev.billingsync.invoices.InvoiceStore.WriteResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Syncs one organization's invoices: the pending ones, and every stored invoice that left the pending list until it
 * reaches a final status. All Atlas calls happen first (bodies spooled to disk); then one transaction writes whatever
 * changed, so readers never see half an invoice and no HTTP call runs inside a transaction.
 */
@Component
class AtlasInvoiceSync {

    private static final Logger log = LoggerFactory.getLogger(AtlasInvoiceSync.class);

    /** What one invoice sync wrote. */
    record Result(int invoicesWritten, long lineItemsWritten) {}

    /** A downloaded payload and the invoices it holds. */
    private record Fetched(AtlasPayload payload, Shape shape, List<AtlasInvoiceSummary> invoices) {}

    private final AtlasInvoiceReader reader;
    private final InvoiceStore store;
    private final OrganizationRepository organizations;
    private final TransactionTemplate transaction;
    private final Set<String> finalStatuses;

    AtlasInvoiceSync(
            AtlasInvoiceReader reader,
            InvoiceStore store,
            OrganizationRepository organizations,
            TransactionTemplate transaction,
            SyncProperties properties) {
        this.reader = reader;
        this.store = store;
        this.organizations = organizations;
        this.transaction = transaction;
        this.finalStatuses = Set.copyOf(properties.finalInvoiceStatuses());
    }

    Result sync(String orgId, AtlasOrgSession session) {
        List<Fetched> fetched = new ArrayList<>();
        try {
            Organization org = organizations.findById(orgId).orElseThrow();
            List<StoredInvoice> stored = store.invoicesOf(orgId);

            AtlasPayload pendingPayload = session.pendingInvoices();
            Set<String> pendingIds = new LinkedHashSet<>();
            if (pendingPayload.sha256().equals(org.pendingPayloadSha256())) {
                // Byte-identical to what is stored: nothing to parse, nothing to write for the pending invoices.
                stored.stream().filter(StoredInvoice::pending).forEach(i -> pendingIds.add(i.id()));
                pendingPayload.close();
            } else {
                Fetched pending = new Fetched(pendingPayload, Shape.PAGE, reader.summarize(pendingPayload, Shape.PAGE));
                fetched.add(pending);
                pending.invoices().forEach(s -> pendingIds.add(AtlasInvoiceTranslation.invoice(orgId, s).id()));
            }

            for (StoredInvoice invoice : stored) {
                if (!pendingIds.contains(invoice.id()) && !finalStatuses.contains(invoice.statusName())) {
                    AtlasPayload payload = session.invoice(invoice.id());
                    fetched.add(new Fetched(payload, Shape.INVOICE, reader.summarize(payload, Shape.INVOICE)));
                }
            }

            Result result = transaction.execute(tx -> write(orgId, pendingPayload.sha256(), pendingIds, fetched));
            log.info("Invoices of org {} synced: {} invoice(s) written with {} line item(s)",
                    orgId, result.invoicesWritten(), result.lineItemsWritten());
            return result;
        } finally {
            fetched.forEach(f -> f.payload().close());
        }
    }

    private Result write(String orgId, String pendingSha256, Set<String> pendingIds, List<Fetched> fetched) {
        int invoices = 0;
        long lines = 0;
        for (Fetched f : fetched) {
            for (AtlasInvoiceSummary summary : f.invoices()) {
                WriteResult written = store.write(
                        orgId,
                        AtlasInvoiceTranslation.invoice(orgId, summary),
                        consumer -> reader.forEachLineItem(f.payload(), f.shape(), summary.index(),
                                (position, item) -> consumer.accept(AtlasInvoiceTranslation.lineItem(position, item))));
                if (written.written()) {
                    invoices++;
                    lines += written.lineItemsWritten();
                } else if (written.outcome() == InvoiceStore.Outcome.STALE) {
                    log.warn("Invoice {} of org {} from Atlas is older than the stored copy; kept the stored one",
                            summary.header().id(), orgId);
                }
            }
        }
        store.markPending(orgId, pendingIds);
        organizations.findById(orgId).orElseThrow().storedPendingPayload(pendingSha256);
        return new Result(invoices, lines);
    }
}
