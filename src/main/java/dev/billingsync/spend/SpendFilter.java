package dev.billingsync.spend;

import io.swagger.v3.oas.annotations.Parameter;
import java.time.LocalDate;
import java.util.Collection;
import org.jspecify.annotations.Nullable;
import org.springframework.format.annotation.DateTimeFormat;

/** The query string of a spend request (JSON page or CSV), bound as given; the controller checks it into a query. */
record SpendFilter(
        @Parameter(description = "Org to include (repeatable); default every org the caller may read") @Nullable
        Collection<String> orgId,

        @Parameter(description = "First usage day included (YYYY-MM-DD, UTC); default the first of this month")
        @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
        @Nullable
        LocalDate startDate,

        @Parameter(
                description = "First usage day excluded (YYYY-MM-DD, UTC); default a month after startDate;"
                        + " at most 36 months after it")
        @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
        @Nullable
        LocalDate endDate,

        @Parameter(
                description = "1 to 3 of orgId, groupId, clusterName, sku, usageDate, usageMonth, invoiceId,"
                        + " tag:<key> (repeatable)",
                required = true)
        @Nullable
        Collection<String> groupBy) {}
