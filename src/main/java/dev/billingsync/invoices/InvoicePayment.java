package dev.billingsync.invoices;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A payment toward an invoice (Atlas {@code BillingPayment}), as the sync stores it and the API returns it, absent
 * fields absent; {@code unitPrice} is the upstream decimal string, unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvoicePayment(
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
