package dev.billingsync.sync;

import dev.billingsync.atlas.AtlasApiException;
import dev.billingsync.atlas.AtlasInvoiceReader;
import dev.billingsync.atlas.AtlasInvoiceReader.Shape;
import dev.billingsync.atlas.AtlasInvoiceSummary;
import dev.billingsync.atlas.AtlasOrgSession;
import dev.billingsync.atlas.AtlasPayload;
import dev.billingsync.invoices.InvoiceStore;
import dev.billingsync.invoices.InvoiceStore.StoredInvoice;
import dev.billingsync.invoices.InvoiceStore.WriteResult;
import dev.billingsync.invoices.UpstreamInvoice;
import java.time.Clock;
import java.time.Instant;
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
 *
 * <p>A stored invoice that cannot be fetched fails alone: one Atlas no longer serves (404) is kept and flagged missing
 * upstream, any other failure is recorded on the run, and the pending invoices are written all the same. The write
 * commits only if this replica still holds the org's lock ({@link OrgSyncLock#fence}).
 */
@Component
class AtlasInvoiceSync {

    private static final Logger log = LoggerFactory.getLogger(AtlasInvoiceSync.class);

    /** An invoice of the org that this run could not bring up to date. */
    record InvoiceProblem(String invoiceId, String errorCode, String detail) {}

    /** What one invoice sync wrote, and the invoices it could not fetch. */
    record Result(int invoicesWritten, long lineItemsWritten, List<InvoiceProblem> problems) {}

    /** A downloaded payload and the invoices it holds. */
    private record Fetched(AtlasPayload payload, Shape shape, List<AtlasInvoiceSummary> invoices) {}

    private final AtlasInvoiceReader reader;
    private final InvoiceStore store;
    private final OrganizationRepository organizations;
    private final OrgSyncLock locks;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final Set<String> finalStatuses;

    AtlasInvoiceSync(
            AtlasInvoiceReader reader,
            InvoiceStore store,
            OrganizationRepository organizations,
            OrgSyncLock locks,
            TransactionTemplate transaction,
            Clock clock,
            SyncProperties properties) {
        this.reader = reader;
        this.store = store;
        this.organizations = organizations;
        this.locks = locks;
        this.transaction = transaction;
        this.clock = clock;
        this.finalStatuses = Set.copyOf(properties.finalInvoiceStatuses());
    }

    /** Syncs the org's invoices; stored invoices not fetched by {@code until} wait for the next run. */
    Result sync(String orgId, AtlasOrgSession session, Instant until) {
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
                Fetched pending = summarize(pendingPayload, Shape.PAGE);
                fetched.add(pending);
                pending.invoices().forEach(s -> pendingIds.add(AtlasInvoiceTranslation.invoice(orgId, s).id()));
            }

            List<InvoiceProblem> problems = new ArrayList<>();
            Set<String> missing = new LinkedHashSet<>();
            for (StoredInvoice invoice : stored) {
                if (pendingIds.contains(invoice.id())
                        || finalStatuses.contains(invoice.statusName())
                        || invoice.missingUpstream()) {
                    continue;
                }
                if (clock.instant().isAfter(until)) {
                    problems.add(new InvoiceProblem(invoice.id(), "ORG_TIME_BUDGET_EXCEEDED", "Invoice "
                            + invoice.id() + " was not fetched: the run used up billing.sync.org-time-budget."));
                    continue;
                }
                try {
                    fetched.add(summarize(session.invoice(invoice.id()), Shape.INVOICE));
                } catch (AtlasApiException e) {
                    if (e.status() == 404) {
                        missing.add(invoice.id());
                        problems.add(new InvoiceProblem(invoice.id(), "INVOICE_MISSING_UPSTREAM",
                                "Atlas no longer serves invoice " + invoice.id() + " (404 " + e.errorCode()
                                        + "); its stored data is kept and flagged missing upstream."));
                    } else {
                        problems.add(new InvoiceProblem(
                                invoice.id(), e.errorCode(), "Invoice " + invoice.id() + ": " + e.getMessage()));
                    }
                    log.warn("Invoice {} of org {} could not be fetched; the rest of the org syncs: {}",
                            invoice.id(), orgId, e.getMessage());
                }
            }

            Result result = transaction.execute(tx -> {
                Result written = write(orgId, pendingPayload.sha256(), pendingIds, fetched, missing, problems);
                locks.fence(orgId);
                return written;
            });
            log.info("Invoices of org {} synced: {} invoice(s) written with {} line item(s), {} not brought up to date",
                    orgId, result.invoicesWritten(), result.lineItemsWritten(), result.problems().size());
            return result;
        } finally {
            fetched.forEach(f -> f.payload().close());
        }
    }

    /** Reads a payload's invoice summaries; the payload is closed if it cannot be read. */
    private Fetched summarize(AtlasPayload payload, Shape shape) {
        try {
            return new Fetched(payload, shape, reader.summarize(payload, shape));
        } catch (RuntimeException e) {
            payload.close();
            throw e;
        }
    }

    private Result write(
            String orgId,
            String pendingSha256,
            Set<String> pendingIds,
            List<Fetched> fetched,
            Set<String> missing,
            List<InvoiceProblem> problems) {
        int invoices = 0;
        long lines = 0;
        Instant now = clock.instant();
        for (Fetched f : fetched) {
            for (AtlasInvoiceSummary summary : f.invoices()) {
                UpstreamInvoice invoice = AtlasInvoiceTranslation.invoice(orgId, summary);
                registerLinkedOrg(invoice.orgId(), now);
                WriteResult written = store.write(invoice, consumer -> reader.forEachLineItem(f.payload(), f.shape(),
                        summary.index(),
                        (position, item) -> consumer.accept(AtlasInvoiceTranslation.lineItem(position, item))));
                if (written.written()) {
                    invoices++;
                    lines += written.lineItemsWritten();
                } else if (written.outcome() == InvoiceStore.Outcome.STALE) {
                    log.warn("Invoice {} of org {} from Atlas is older than the stored copy; kept the stored one",
                            invoice.id(), invoice.orgId());
                }
            }
        }
        store.markMissingUpstream(missing, now);
        store.markPending(orgId, pendingIds);
        organizations.findById(orgId).orElseThrow().storedPendingPayload(pendingSha256);
        return new Result(invoices, lines, List.copyOf(problems));
    }

    /**
     * A paying org's pending list can carry its linked orgs' invoices; each is stored under its own org, which is
     * registered (without a name) the first time one of its invoices arrives this way.
     */
    private void registerLinkedOrg(String invoiceOrgId, Instant now) {
        if (!organizations.existsById(invoiceOrgId)) {
            organizations.saveAndFlush(new Organization(invoiceOrgId, null, now));
        }
    }
}
