package dev.billingsync.invoices;

import java.time.Instant;
import java.util.List;

/** Pending November 2026 invoices as the sync hands them to {@link InvoiceStore#write}, for tests that write directly. */
public final class PendingInvoices {

    private PendingInvoices() {}

    /**
     * An invoice of {@code orgId} billing {@code cents} (its subtotal too), with {@code lineItemCount} lines, no
     * payments, refunds or linked invoices, and {@code contentSha256} standing for its content.
     */
    public static UpstreamInvoice november(
            String id, String orgId, Instant updated, long cents, int lineItemCount, String contentSha256) {
        return new UpstreamInvoice(
                id,
                orgId,
                new InvoiceHeader(
                        "PENDING",
                        Instant.parse("2026-11-01T00:00:00Z"),
                        Instant.parse("2026-12-01T00:00:00Z"),
                        Instant.parse("2026-11-01T00:00:00Z"),
                        updated,
                        new InvoiceAmounts(cents, 0L, 0L, 0L, 0L, cents)),
                List.of(),
                List.of(),
                List.of(),
                lineItemCount,
                contentSha256,
                "{}");
    }
}
