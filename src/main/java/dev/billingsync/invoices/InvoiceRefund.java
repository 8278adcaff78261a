package dev.billingsync.invoices;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A refund of a payment toward an invoice (Atlas {@code BillingRefund}), as stored and returned, absent fields absent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvoiceRefund(
        @Nullable Long amountCents,
        @Nullable Instant created,
        @Nullable String paymentId,
        @Nullable String reason) {}
