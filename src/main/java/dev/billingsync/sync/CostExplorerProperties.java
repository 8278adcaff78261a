package dev.billingsync.sync;

import dev.billingsync.orgs.InvalidConfigurationException;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Cost Explorer sync ({@code billing.cost-explorer.*}).
 *
 * @param enabled include Cost Explorer in every org's sync
 * @param months trailing whole months queried, the current one included (1 to 18, Atlas keeps 18)
 * @param groupBy Atlas {@code groupBy} values to query, one query each: {@code services}, {@code projects} or
 *     {@code organizations} ({@code clusters} needs cluster ids, which invoices do not carry)
 * @param includePartialMatches Atlas {@code includePartialMatches}: also count usage that matches only some filters
 *     (e.g. org-wide support charges)
 * @param format ask Atlas for the result as {@code JSON} or {@code CSV}
 * @param pollInterval wait before the first poll and the shortest wait between two polls of a query (Atlas asks for
 *     no more than one poll every five seconds)
 * @param maxPollInterval the longest wait between two polls; waits grow by half each time, with jitter
 * @param deadline give up on a query this long after creating it and record it as timed out
 * @param services the service names sent as the filter of a {@code services} query (Atlas's enumeration)
 * @param refreshAfter a scheduled or startup run queries Cost Explorer for an org only when the org's last successful
 *     query of a grouping is older than this, or was for other months (usage is monthly data); a manual run always does
 */
@ConfigurationProperties("billing.cost-explorer")
@Validated
public record CostExplorerProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("3") @Min(1) @Max(18) int months,
        @DefaultValue("services") @NotEmpty List<String> groupBy,
        @DefaultValue("false") boolean includePartialMatches,
        @DefaultValue("JSON") @NotNull Format format,
        @DefaultValue("5s") @DurationMin(seconds = 5) Duration pollInterval,
        @DefaultValue("60s") @DurationMin(seconds = 5) Duration maxPollInterval,
        @DefaultValue("10m") @DurationMin(seconds = 5) Duration deadline,

        @DefaultValue({
            "Atlas",
            "Clusters",
            "Storage",
            "Serverless Instances",
            "Backup",
            "Data Transfer",
            "BI Connector",
            "DSC Compute",
            "DSC Storage",
            "Premium Features",
            "Atlas Data Federation",
            "Atlas Stream Processing",
            "App Services",
            "Charts",
            "Cloud Manager",
            "Cloud Manager Standard/Premium",
            "Legacy Backup",
            "AI Model APIs",
            "Automated Embedding",
            "Native Reranking",
            "Flex Consulting",
            "Support",
            "Credits"
        })
        @NotEmpty
        List<String> services,

        @DefaultValue("6h") @NotNull Duration refreshAfter) {

    public enum Format {
        JSON,
        CSV
    }

    static final List<String> SUPPORTED_GROUP_BY = List.of("services", "projects", "organizations");

    public CostExplorerProperties {
        groupBy = List.copyOf(groupBy);
        services = List.copyOf(services);
        for (int i = 0; i < groupBy.size(); i++) {
            if (!SUPPORTED_GROUP_BY.contains(groupBy.get(i))) {
                throw new InvalidConfigurationException(List.of("billing.cost-explorer.group-by[" + i + "]: '"
                        + groupBy.get(i) + "' is not supported; use " + SUPPORTED_GROUP_BY
                        + ("clusters".equals(groupBy.get(i))
                                ? " (grouping by clusters needs cluster ids, which Atlas invoices do not carry)"
                                : "")));
            }
        }
        if (maxPollInterval != null && pollInterval != null && maxPollInterval.compareTo(pollInterval) < 0) {
            throw new InvalidConfigurationException(
                    List.of(
                            "billing.cost-explorer.max-poll-interval must not be shorter than billing.cost-explorer.poll-interval"));
        }
    }
}
