package dev.billingsync.atlas;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One usage row of a Cost Explorer result, identical whether it came as JSON or CSV. Fields Atlas left out (or sent
 * empty) are null.
 *
 * @param usageAmount exact decimal dollars (or credits for contract customers), every digit as sent
 * @param usageDate the first day of the month the usage belongs to
 * @param clusterId the cluster's unique id (CSV column {@code Cluster Unique Id})
 */
public record AtlasUsageDetail(
        @Nullable String invoiceId,
        @Nullable String organizationId,
        @Nullable String organizationName,
        @Nullable String projectId,
        @Nullable String projectName,
        @Nullable String clusterName,
        @Nullable String clusterId,
        @Nullable String service,
        BigDecimal usageAmount,
        LocalDate usageDate) {

    public AtlasUsageDetail {
        Objects.requireNonNull(usageAmount, "usageAmount");
        Objects.requireNonNull(usageDate, "usageDate");
    }
}
