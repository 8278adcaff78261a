package dev.billingsync.simulator;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One thing an org is billed for every day (a cluster's instance hours, an app's data downloaded, one tier of a
 * serverless instance's reads): the fields every daily line item of it shares. Line items point here instead of
 * copying, which keeps a 200,000-line invoice small in memory.
 *
 * @param magnitude the size the daily quantity scales with (nodes, GB, ...), see {@link QuantityKind}
 * @param tags null when the line item carries no {@code tags} field at all
 */
record UsageSource(
        String groupId,
        String groupName,
        @Nullable String clusterName,
        @Nullable String cloudProvider,
        String sku,
        String unit,
        BigDecimal unitPriceDollars,
        QuantityKind quantityKind,
        int magnitude,
        @Nullable BigDecimal tierLowerBound,
        @Nullable BigDecimal tierUpperBound,
        @Nullable String stitchAppName,
        @Nullable String note,
        @Nullable Map<String, List<String>> tags,
        @Nullable BigDecimal percentDiscount,
        boolean futureField) {

    boolean tiered() {
        return tierLowerBound != null;
    }
}
