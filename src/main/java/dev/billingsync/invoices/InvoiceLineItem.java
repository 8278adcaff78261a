package dev.billingsync.invoices;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * An Atlas {@code InvoiceLineItem}, as the sync stores it and the API returns it: decimals exactly as Atlas wrote
 * them, tags as key to values, absent fields absent. Written to JSON by {@link LineItemJson}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonSerialize(using = LineItemJson.class)
public record InvoiceLineItem(
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
        @Nullable Map<String, List<String>> tags) {

    /** This line with {@code tags} instead of its own. */
    InvoiceLineItem withTags(@Nullable Map<String, List<String>> tags) {
        return new InvoiceLineItem(
                clusterName,
                created,
                startDate,
                endDate,
                groupId,
                groupName,
                sku,
                unit,
                quantity,
                unitPriceDollars,
                totalPriceCents,
                discountCents,
                percentDiscount,
                tierLowerBound,
                tierUpperBound,
                note,
                stitchAppName,
                cloudProvider,
                tags);
    }
}
