package dev.billingsync.invoices;

import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

/** Invoice headers, and the bulk statements over an invoice's children and flags. */
interface InvoiceRepository extends JpaRepository<Invoice, String> {

    /** The header of an invoice as the API shows it; {@code from Invoice i} follows. */
    String SELECT_HEADER = """
            select new dev.billingsync.invoices.InvoiceMetadataResponse(i.id, i.orgId, i.header, i.pending,
                i.missingUpstreamAt)""";

    /** A pending invoice of an org. */
    record PendingRow(String orgId, String id) {}

    @Query(SELECT_HEADER + " from Invoice i where i.id = :id and i.orgId = :orgId")
    Optional<InvoiceMetadataResponse> header(String id, String orgId);

    @Query("select i.id from Invoice i where i.orgId = :orgId and i.pending order by i.header.startDate, i.id")
    List<String> pendingIdsOf(String orgId);

    @Query("""
            select new dev.billingsync.invoices.InvoiceRepository$PendingRow(i.orgId, i.id) from Invoice i
            where i.pending and i.orgId in :orgIds order by i.header.startDate nulls first""")
    List<PendingRow> pendingOf(Collection<String> orgIds);

    @Query("""
            select new dev.billingsync.invoices.InvoicePayment(p.paymentId, p.statusName, p.created,
                p.updated, p.currency, p.amountBilledCents, p.amountPaidCents, p.salesTaxCents, p.subtotalCents,
                p.unitPrice)
            from Payment p where p.id.invoiceId = :invoiceId order by p.id.position""")
    List<InvoicePayment> paymentsOf(String invoiceId);

    @Query("""
            select new dev.billingsync.invoices.InvoiceRefund(r.amountCents, r.created, r.paymentId,
                r.reason)
            from Refund r where r.id.invoiceId = :invoiceId order by r.id.position""")
    List<InvoiceRefund> refundsOf(String invoiceId);

    /** The headers of the linked orgs' invoices nested in this invoice, in upstream order. */
    @Query(SELECT_HEADER + """
             from LinkedInvoice l join Invoice i on i.id = l.linkedInvoiceId
            where l.id.invoiceId = :invoiceId order by l.id.position""")
    List<InvoiceMetadataResponse> linkedInvoicesOf(String invoiceId);

    /** What the sync needs of the org's stored invoices, without their {@code raw} payload. */
    @Query("""
            select new dev.billingsync.invoices.InvoiceStore$StoredInvoice(i.id, i.header, i.contentSha256, i.pending,
                i.missingUpstreamAt)
            from Invoice i where i.orgId = :orgId order by i.header.startDate nulls last, i.id""")
    List<InvoiceStore.StoredInvoice> storedOf(String orgId);

    /** The stored invoice, locked until the writing transaction ends. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select i from Invoice i where i.id = :id")
    Optional<Invoice> findForUpdate(String id);

    @Modifying(flushAutomatically = true)
    @Query("""
            update Invoice i set i.pending = false
            where i.pending and i.id not in :ids
                and (i.orgId = :orgId or i.orgId in (select j.orgId from Invoice j where j.id in :ids))""")
    void unflagPendingExcept(String orgId, Collection<String> ids);

    @Modifying(flushAutomatically = true)
    @Query("update Invoice i set i.pending = false where i.pending and i.orgId = :orgId")
    void unflagPending(String orgId);

    @Modifying(flushAutomatically = true)
    @Query("update Invoice i set i.pending = true where not i.pending and i.id in :ids")
    void flagPending(Collection<String> ids);

    @Modifying(flushAutomatically = true)
    @Query("update Invoice i set i.missingUpstreamAt = :noticedAt where i.id in :ids and i.missingUpstreamAt is null")
    void flagMissingUpstream(Collection<String> ids, Instant noticedAt);

    @Modifying(flushAutomatically = true)
    @Query("delete from LineItemTag t where t.id.invoiceId = :invoiceId")
    void deleteTags(String invoiceId);

    @Modifying(flushAutomatically = true)
    @Query("delete from LineItem l where l.id.invoiceId = :invoiceId")
    void deleteLineItems(String invoiceId);

    @Modifying(flushAutomatically = true)
    @Query("delete from Payment p where p.id.invoiceId = :invoiceId")
    void deletePayments(String invoiceId);

    @Modifying(flushAutomatically = true)
    @Query("delete from Refund r where r.id.invoiceId = :invoiceId")
    void deleteRefunds(String invoiceId);

    @Modifying(flushAutomatically = true)
    @Query("delete from LinkedInvoice l where l.id.invoiceId = :invoiceId")
    void deleteLinkedInvoices(String invoiceId);
}
