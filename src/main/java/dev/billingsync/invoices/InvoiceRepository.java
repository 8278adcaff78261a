package dev.billingsync.invoices;

import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

/** Invoice headers, and the bulk statements over an invoice's children and flags. */
interface InvoiceRepository extends JpaRepository<Invoice, String> {

    /** What the sync needs of a stored invoice, without its {@code raw} payload. */
    record StoredRow(
            String id,
            @Nullable String statusName,
            @Nullable Instant startDate,
            @Nullable Instant updated,
            @Nullable Long amountBilledCents,
            @Nullable Long amountPaidCents,
            @Nullable Long creditsCents,
            @Nullable Long salesTaxCents,
            @Nullable Long startingBalanceCents,
            @Nullable Long subtotalCents,
            String contentSha256,
            boolean pending,
            @Nullable Instant missingUpstreamAt) {

        InvoiceStore.StoredInvoice toStored() {
            return new InvoiceStore.StoredInvoice(
                    id,
                    statusName,
                    startDate,
                    updated,
                    new InvoiceAmounts(
                            amountBilledCents,
                            amountPaidCents,
                            creditsCents,
                            salesTaxCents,
                            startingBalanceCents,
                            subtotalCents),
                    contentSha256,
                    pending,
                    missingUpstreamAt != null);
        }
    }

    @Query("""
            select new dev.billingsync.invoices.InvoiceRepository$StoredRow(i.id, i.statusName, i.startDate, i.updated,
                i.amounts.amountBilledCents, i.amounts.amountPaidCents, i.amounts.creditsCents, i.amounts.salesTaxCents,
                i.amounts.startingBalanceCents, i.amounts.subtotalCents, i.contentSha256, i.pending, i.missingUpstreamAt)
            from Invoice i where i.orgId = :orgId order by i.startDate nulls last, i.id""")
    List<StoredRow> storedOf(String orgId);

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
