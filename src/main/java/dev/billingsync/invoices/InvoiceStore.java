package dev.billingsync.invoices;

import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes invoices and their children. Every write joins the caller's transaction (the sync writes one organization's
 * invoices in one), and an invoice whose content hash is unchanged is not touched at all. The invoice row, payments,
 * refunds and the references to linked invoices (stored as invoices of their own orgs, written first) are written
 * through JPA; line items and tags are bulk loaded with {@code COPY}
 * ({@link LineItemCopy}). Each write ends flushed, so whatever the caller runs next in the transaction (a fencing
 * check, a bulk statement) sees it.
 */
@Component
public class InvoiceStore {

    /** What {@link #write} did with an invoice. */
    public enum Outcome {
        INSERTED,
        UPDATED,
        UNCHANGED,
        /** The stored copy was updated upstream later than this one: older data never overwrites newer. */
        STALE
    }

    public record WriteResult(Outcome outcome, long lineItemsWritten) {

        public boolean written() {
            return outcome == Outcome.INSERTED || outcome == Outcome.UPDATED;
        }
    }

    /**
     * What the store holds of an invoice: enough to tell from Atlas's invoice list whether it changed upstream
     * (status, amounts, {@code updated}), and whether it is pending or flagged missing upstream.
     */
    public record StoredInvoice(
            String id,
            InvoiceHeader header,
            String contentSha256,
            boolean pending,
            @Nullable Instant missingUpstreamAt) {

        /** JPA hands back a null header when every header column is null. */
        public StoredInvoice {
            header = InvoiceHeader.orNone(header);
        }

        public boolean missingUpstream() {
            return missingUpstreamAt != null;
        }
    }

    private final InvoiceRepository invoices;
    private final EntityManager entityManager;
    private final LineItemCopy lineItemCopy;
    private final Clock clock;

    InvoiceStore(InvoiceRepository invoices, EntityManager entityManager, LineItemCopy lineItemCopy, Clock clock) {
        this.invoices = invoices;
        this.entityManager = entityManager;
        this.lineItemCopy = lineItemCopy;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public List<StoredInvoice> invoicesOf(String orgId) {
        return invoices.storedOf(orgId);
    }

    /**
     * Inserts or replaces an invoice with all its children, under the org the invoice names, unless its stored content
     * is the same or newer ({@link Invoice#receive}). An invoice served again is no longer flagged missing upstream.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public WriteResult write(UpstreamInvoice upstream, LineItemSource lineItems) {
        Instant now = clock.instant();
        lockInvoiceId(upstream.id());
        Optional<Invoice> stored = invoices.findForUpdate(upstream.id());
        Outcome outcome;
        if (stored.isEmpty()) {
            entityManager.persist(Invoice.first(upstream, now));
            outcome = Outcome.INSERTED;
        } else {
            outcome = stored.get().receive(upstream, now);
            if (outcome != Outcome.UPDATED) {
                entityManager.flush();
                return new WriteResult(outcome, 0);
            }
            deleteChildren(upstream.id());
        }
        persistChildren(upstream);
        entityManager.flush();
        long lines = lineItemCopy.copy(upstream.id(), lineItems);
        return new WriteResult(outcome, lines);
    }

    /**
     * Flags exactly {@code pendingIds} (the invoices of {@code orgId}'s pending list, which may belong to its linked
     * orgs) as pending: any other invoice of {@code orgId}, or of an org with an invoice in the list, stops being
     * pending. Only changed flags are written.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void markPending(String orgId, Collection<String> pendingIds) {
        if (pendingIds.isEmpty()) {
            invoices.unflagPending(orgId);
            return;
        }
        invoices.unflagPendingExcept(orgId, pendingIds);
        invoices.flagPending(pendingIds);
    }

    /** Flags invoices Atlas no longer serves, keeping their data; an invoice flagged already keeps its first time. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void markMissingUpstream(Collection<String> invoiceIds, Instant noticedAt) {
        if (invoiceIds.isEmpty()) {
            return;
        }
        invoices.flagMissingUpstream(invoiceIds, noticedAt);
    }

    /**
     * Makes writers of the same invoice take turns until the end of their transactions, even while it is not stored
     * yet (a row lock needs a row). A linked org's invoice reaches its own org's run and the paying org's run, which
     * can run at once: without this, both would insert it and one run would fail on the primary key.
     */
    private void lockInvoiceId(String invoiceId) {
        entityManager
                .createNativeQuery("select pg_advisory_xact_lock(?1)")
                .setParameter(1, Long.parseUnsignedLong(invoiceId.substring(8), 16))
                .getSingleResult();
    }

    /** The children go as one set; tags first, as they were loaded last. */
    private void deleteChildren(String invoiceId) {
        invoices.deleteTags(invoiceId);
        invoices.deleteLineItems(invoiceId);
        invoices.deletePayments(invoiceId);
        invoices.deleteRefunds(invoiceId);
        invoices.deleteLinkedInvoices(invoiceId);
    }

    private void persistChildren(UpstreamInvoice upstream) {
        int position = 0;
        for (InvoicePayment payment : upstream.payments()) {
            entityManager.persist(new Payment(new InvoicePosition(upstream.id(), position++), payment));
        }
        position = 0;
        for (InvoiceRefund refund : upstream.refunds()) {
            entityManager.persist(new Refund(new InvoicePosition(upstream.id(), position++), refund));
        }
        position = 0;
        for (String linkedInvoiceId : upstream.linkedInvoiceIds()) {
            entityManager.persist(new LinkedInvoice(new InvoicePosition(upstream.id(), position++), linkedInvoiceId));
        }
    }
}
