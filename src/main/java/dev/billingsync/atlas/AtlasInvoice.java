package dev.billingsync.atlas;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An Atlas {@code BillingInvoice} without its line items, which are streamed separately (an invoice can hold 10^5 of
 * them). Every field is optional because Atlas omits fields it has no value for.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AtlasInvoice(
        @Nullable String id,
        @Nullable String orgId,
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
        @Nullable List<AtlasPayment> payments,
        @Nullable List<AtlasRefund> refunds) {

    public List<AtlasPayment> paymentsOrEmpty() {
        return payments == null ? List.of() : payments;
    }

    public List<AtlasRefund> refundsOrEmpty() {
        return refunds == null ? List.of() : refunds;
    }
}
