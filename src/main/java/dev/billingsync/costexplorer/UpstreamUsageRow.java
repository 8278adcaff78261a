package dev.billingsync.costexplorer;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.jspecify.annotations.Nullable;

/**
 * One Cost Explorer usage row, normalized: the month, the grouping dimension's id and name (a service name, a project
 * or an organization, depending on the query's {@code groupBy}), the invoice and service it belongs to, and the
 * amount in decimal dollars (or credits) exactly as Atlas sent it.
 */
public record UpstreamUsageRow(
        LocalDate usageDate,
        @Nullable String dimensionId,
        @Nullable String dimensionName,
        @Nullable String invoiceId,
        @Nullable String service,
        BigDecimal usageAmount) {}
