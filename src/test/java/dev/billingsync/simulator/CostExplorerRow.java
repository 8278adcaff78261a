package dev.billingsync.simulator;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.jspecify.annotations.Nullable;

/**
 * One row of a simulated Cost Explorer result, as served in JSON ({@code usageDetails[]}) and CSV. The project
 * fields are set when grouped by projects or clusters, the cluster fields when grouped by clusters (and null for
 * usage without a cluster, which only partial matches include).
 *
 * @param usageAmount exact dollars, at most 6 decimals, trailing zeros dropped (so scales vary)
 * @param usageDate the first of the month
 * @param invoiceId the org's invoice of that month
 */
public record CostExplorerRow(
        String invoiceId,
        String organizationId,
        String organizationName,
        @Nullable String projectId,
        @Nullable String projectName,
        @Nullable String clusterName,
        @Nullable String clusterId,
        String service,
        BigDecimal usageAmount,
        LocalDate usageDate) {}
