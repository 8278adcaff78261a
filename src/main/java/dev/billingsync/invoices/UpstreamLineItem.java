package dev.billingsync.invoices;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One line of an invoice, keyed by its upstream position; its tags flattened to (key, value) pairs in order. */
public record UpstreamLineItem(
        int position,
        @Nullable String clusterName,
        @Nullable Instant created,
        @Nullable Instant startDate,
        @Nullable Instant endDate,
        @Nullable String groupId,
        @Nullable String groupName,
        @Nullable String sku,
        @Nullable String unit,
        @Nullable BigDecimal quantity,
        @Nullable BigDecimal unitPriceDollars,
        @Nullable Long totalPriceCents,
        @Nullable Long discountCents,
        @Nullable BigDecimal percentDiscount,
        @Nullable BigDecimal tierLowerBound,
        @Nullable BigDecimal tierUpperBound,
        @Nullable String note,
        @Nullable String stitchAppName,
        @Nullable String cloudProvider,
        @Nullable List<Tag> tags) {

    /** One value of one tag key; positions keep the upstream order of keys and of each key's values. */
    public record Tag(
            int keyPosition,
            int valuePosition,
            String key,
            @Nullable String value) {}
}
