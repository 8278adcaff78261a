package dev.billingsync.invoices;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** The invoice of a linked organization inside the paying organization's invoice: header columns plus the whole object. */
public record UpstreamLinkedInvoice(
        @Nullable String id,
        @Nullable String orgId,
        @Nullable String statusName,
        @Nullable Instant startDate,
        @Nullable Instant endDate,
        @Nullable Instant created,
        @Nullable Instant updated,
        InvoiceAmounts amounts,
        String rawJson) {}
