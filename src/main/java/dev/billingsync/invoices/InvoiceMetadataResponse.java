package dev.billingsync.invoices;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An invoice without its line items, payments and refunds, like Atlas's {@code BillingInvoiceMetadata}, plus two
 * fields of ours: {@code pending} (whether it is the org's current pending invoice) and {@code missingUpstreamAt} (when
 * we noticed that Atlas no longer serves it; absent while it does).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvoiceMetadataResponse(
        String id,
        String orgId,
        @Nullable String statusName,
        @Nullable Instant startDate,
        @Nullable Instant endDate,
        @Nullable Instant created,
        @Nullable Instant updated,
        @Nullable Long amountBilledCents,
        @Nullable Long amountPaidCents,
        @Nullable Long creditsCents,
        @Nullable Long salesTaxCents,
        @Nullable Long startingBalanceCents,
        @Nullable Long subtotalCents,
        boolean pending,
        @Nullable Instant missingUpstreamAt) {}
