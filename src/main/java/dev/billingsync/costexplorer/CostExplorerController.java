package dev.billingsync.costexplorer;

import dev.billingsync.orgs.Orgs;
import dev.billingsync.web.ApiException;
import dev.billingsync.web.AtlasId;
import dev.billingsync.web.PageRequest;
import dev.billingsync.web.PageResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.LocalDate;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Monthly Cost Explorer usage of an org, and the queries that produced it. */
@RestController
@RequestMapping("/api/v1/orgs/{orgId}/billing/costExplorer")
@Tag(name = "Cost Explorer", description = "Monthly usage by service, project or organization, as last synced")
class CostExplorerController {

    static final Set<String> GROUP_BYS = Set.of("organizations", "projects", "clusters", "services");

    private final CostUsageQueries queries;
    private final Orgs orgs;

    CostExplorerController(CostUsageQueries queries, Orgs orgs) {
        this.queries = queries;
        this.orgs = orgs;
    }

    @GetMapping("/usage")
    @Operation(summary = "Usage rows by month (first day of the month), newest month first")
    PageResponse<UsageResponse> usage(
            @PathVariable @AtlasId String orgId, @ParameterObject UsageFilter filter, PageRequest page) {
        orgs.requireVisible(orgId);
        LocalDate startDate = filter.startDate();
        LocalDate endDate = filter.endDate();
        String groupBy = filter.groupBy();
        firstOfMonth("startDate", startDate);
        firstOfMonth("endDate", endDate);
        if (startDate != null && endDate != null && !endDate.isAfter(startDate)) {
            throw ApiException.invalidParameter("endDate", "must be after startDate (" + startDate + ")");
        }
        if (groupBy != null && !GROUP_BYS.contains(groupBy)) {
            throw ApiException.invalidParameter(
                    "groupBy", "must be one of organizations, projects, clusters, services");
        }
        return PageResponse.of(page, queries.usage(orgId, filter, page));
    }

    @GetMapping("/queries")
    @Operation(summary = "The Cost Explorer queries the sync made for this org, newest first")
    PageResponse<CostQueryResponse> queries(@PathVariable @AtlasId String orgId, PageRequest page) {
        orgs.requireVisible(orgId);
        return PageResponse.of(page, queries.queries(orgId, page));
    }

    private static void firstOfMonth(String name, @Nullable LocalDate date) {
        if (date != null && date.getDayOfMonth() != 1) {
            throw ApiException.invalidParameter(name, "must be the first day of a month (yyyy-MM-01)");
        }
    }
}
