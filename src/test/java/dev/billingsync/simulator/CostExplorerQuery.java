package dev.billingsync.simulator;

import java.time.LocalDate;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A Cost Explorer query as the simulator received it ({@code CostExplorerFilterRequestBody}), after validation:
 * dates on the first of a month, {@code endDate} exclusive; null lists were absent from the body.
 */
public record CostExplorerQuery(
        LocalDate startDate,
        LocalDate endDate,
        @Nullable List<String> organizations,
        @Nullable List<String> projects,
        @Nullable List<String> clusters,
        @Nullable List<String> services,
        @Nullable String groupBy,
        boolean includePartialMatches) {

    public CostExplorerQuery {
        organizations = organizations == null ? null : List.copyOf(organizations);
        projects = projects == null ? null : List.copyOf(projects);
        clusters = clusters == null ? null : List.copyOf(clusters);
        services = services == null ? null : List.copyOf(services);
    }
}
