package dev.billingsync.invoices;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A payment toward an invoice; {@code unitPrice} is the upstream decimal string, unchanged. */
public record UpstreamPayment(
        @Nullable String id,
        @Nullable String statusName,
        @Nullable Instant created,
        @Nullable Instant updated,
        @Nullable String currency,
        @Nullable Long amountBilledCents,
        @Nullable Long amountPaidCents,
        @Nullable Long salesTaxCents,
        @Nullable Long subtotalCents,
        @Nullable String unitPrice) {}
