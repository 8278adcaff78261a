package dev.billingsync.costexplorer;

import io.swagger.v3.oas.annotations.Parameter;
import java.time.LocalDate;
import org.jspecify.annotations.Nullable;
import org.springframework.format.annotation.DateTimeFormat;

/**
 * Which usage rows of an org to list, bound from the query string: months in [{@code startDate}, {@code endDate}),
 * each the first day of a month, and one grouping dimension.
 */
public record UsageFilter(
        @Parameter(description = "First month included, yyyy-MM-dd, the first day of a month")
        @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
        @Nullable
        LocalDate startDate,

        @Parameter(description = "First month excluded, yyyy-MM-dd, the first day of a month")
        @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
        @Nullable
        LocalDate endDate,

        @Parameter(description = "organizations, projects, clusters or services") @Nullable
        String groupBy) {}
