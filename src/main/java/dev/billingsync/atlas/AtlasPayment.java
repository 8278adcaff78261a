package dev.billingsync.atlas;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** An Atlas {@code BillingPayment}. {@code unitPrice} is a decimal string upstream and stays one. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AtlasPayment(
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
