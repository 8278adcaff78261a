package dev.billingsync.spend;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One stored line item with the invoice and org fields a FOCUS row needs.
 *
 * @param currency the invoice's (else the org's last known) payment currency, {@code null} when none is known
 * @param rate the price of one pricing-currency unit in the billing currency ({@code payments[].unitPrice}), same
 *     fallback
 * @param tags upstream order; an empty list is a key without a value
 */
record FocusLine(
        String orgId,
        @Nullable String orgName,
        String invoiceId,
        Instant billingPeriodStart,
        @Nullable Instant billingPeriodEnd,
        @Nullable String currency,
        @Nullable String rate,
        @Nullable String sku,
        @Nullable Instant startDate,
        @Nullable Instant endDate,
        @Nullable Instant created,
        @Nullable BigDecimal quantity,
        @Nullable String unit,
        @Nullable BigDecimal unitPriceDollars,
        @Nullable Long totalPriceCents,
        @Nullable BigDecimal percentDiscount,
        @Nullable BigDecimal tierLowerBound,
        @Nullable BigDecimal tierUpperBound,
        @Nullable String groupId,
        @Nullable String groupName,
        @Nullable String clusterName,
        @Nullable String cloudProvider,
        @Nullable Map<String, List<String>> tags) {}
