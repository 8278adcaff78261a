package dev.billingsync.invoices;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A refund of a payment toward an invoice. */
public record UpstreamRefund(
        @Nullable Long amountCents,
        @Nullable Instant created,
        @Nullable String paymentId,
        @Nullable String reason) {}
