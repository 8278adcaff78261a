package dev.billingsync.atlas;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** An Atlas {@code BillingRefund}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AtlasRefund(
        @Nullable Long amountCents,
        @Nullable Instant created,
        @Nullable String paymentId,
        @Nullable String reason) {}
