package dev.billingsync.atlas;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An Atlas {@code InvoiceLineItem}. Decimals are {@link BigDecimal} exactly as written upstream (never through
 * {@code double}); {@code sku}, {@code unit} and {@code cloudProvider} are free text because Atlas keeps adding values.
 * {@code tags} maps a key to its values, in upstream order.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AtlasLineItem(
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
        @Nullable Map<String, List<String>> tags) {}
