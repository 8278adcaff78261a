package dev.billingsync.simulator;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BinaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * What Cost Explorer reports for an org, derived from its invoices: per month (the invoice's period) and service, and
 * per project or cluster when grouped so, the sum of the line items' exact amounts ({@code quantity *
 * unitPriceDollars}, less the percent discount), rounded to 6 decimals with trailing zeros dropped.
 */
final class CostExplorerUsage {

    /** The {@code services} enum of {@code CostExplorerFilterRequestBody} (23 values, spec of 2026-08-21). */
    static final List<String> SERVICES = List.of(
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
            "Credits");

    static final List<String> GROUP_BY = List.of("organizations", "projects", "clusters", "services");

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final Comparator<Key> ORDER = Comparator.comparing(Key::month)
            .thenComparing(Key::projectId)
            .thenComparing(Key::clusterName)
            .thenComparing(Key::service);

    private CostExplorerUsage() {}

    /** The Cost Explorer service category of a SKU. */
    static String service(String sku) {
        if (sku.startsWith("STITCH_") || sku.startsWith("REALM_")) {
            return "App Services";
        }
        if (sku.startsWith("CHARTS_")) {
            return "Charts";
        }
        if (sku.contains("SERVERLESS")) {
            return "Serverless Instances";
        }
        if (sku.contains("STREAM_PROCESSING")) {
            return "Atlas Stream Processing";
        }
        if (sku.contains("DATA_LAKE") || sku.contains("DATA_FEDERATION")) {
            return "Atlas Data Federation";
        }
        if (sku.equals("ATLAS_BI_CONNECTOR")) {
            return "BI Connector";
        }
        if (sku.contains("BACKUP") || sku.contains("SNAPSHOT") || sku.contains("PIT_RESTORE")) {
            return "Backup";
        }
        if (sku.contains("DATA_TRANSFER") || sku.contains("PRIVATE_ENDPOINT")) {
            return "Data Transfer";
        }
        if (sku.contains("STORAGE") || sku.contains("IOPS")) {
            return "Storage";
        }
        if (sku.contains("INSTANCE")) {
            return "Clusters";
        }
        if (sku.contains("SUPPORT")) {
            return "Support";
        }
        if (sku.equals("CREDIT")) {
            return "Credits";
        }
        return "Atlas";
    }

    /**
     * @param invoices the org's own invoices (one per month)
     * @param clusterId the unique id of a project's cluster (by name)
     */
    static List<CostExplorerRow> rows(
            String orgId,
            String orgName,
            Collection<InvoiceState> invoices,
            CostExplorerQuery query,
            BinaryOperator<String> clusterId) {
        if (filters(query.organizations()) && !query.organizations().contains(orgId)) {
            return List.of();
        }
        String groupBy = query.groupBy() == null ? "services" : query.groupBy();
        boolean byProject = groupBy.equals("projects") || groupBy.equals("clusters");
        boolean byCluster = groupBy.equals("clusters");
        Map<Key, Sum> sums = new TreeMap<>(ORDER);
        for (InvoiceState invoice : invoices) {
            LocalDate month =
                    LocalDate.ofInstant(invoice.startDate, ZoneOffset.UTC).withDayOfMonth(1);
            if (month.isBefore(query.startDate()) || !month.isBefore(query.endDate())) {
                continue;
            }
            for (LineItem item : invoice.lineItems) {
                UsageSource source = item.source();
                String service = service(source.sku());
                String cluster =
                        source.clusterName() == null ? null : clusterId.apply(source.groupId(), source.clusterName());
                if (!matches(query, source.groupId(), cluster, service)) {
                    continue;
                }
                Key key = new Key(
                        month,
                        byProject ? source.groupId() : "",
                        byCluster && source.clusterName() != null ? source.clusterName() : "",
                        service);
                sums.computeIfAbsent(
                                key,
                                k -> new Sum(
                                        invoice.id, byProject ? source.groupName() : null, byCluster ? cluster : null))
                        .add(amount(item));
            }
        }
        List<CostExplorerRow> rows = new ArrayList<>(sums.size());
        sums.forEach((key, sum) -> rows.add(new CostExplorerRow(
                sum.invoiceId,
                orgId,
                orgName,
                key.projectId().isEmpty() ? null : key.projectId(),
                sum.projectName,
                key.clusterName().isEmpty() ? null : key.clusterName(),
                sum.clusterId,
                key.service(),
                rounded(sum.total),
                key.month())));
        return List.copyOf(rows);
    }

    /**
     * A filter with values must contain the item's value (an empty or absent list filters nothing); an item without a
     * value for a filtered dimension (usage outside any cluster, with a cluster filter) is a partial match, included
     * only when asked for.
     */
    private static boolean matches(
            CostExplorerQuery query, String projectId, @Nullable String clusterId, String service) {
        if (filters(query.services()) && !query.services().contains(service)) {
            return false;
        }
        if (filters(query.projects()) && !query.projects().contains(projectId)) {
            return false;
        }
        if (filters(query.clusters())) {
            return clusterId == null
                    ? query.includePartialMatches()
                    : query.clusters().contains(clusterId);
        }
        return true;
    }

    private static boolean filters(@Nullable List<String> values) {
        return values != null && !values.isEmpty();
    }

    private static BigDecimal amount(LineItem item) {
        BigDecimal gross = item.quantity().multiply(item.source().unitPriceDollars());
        BigDecimal percent = item.source().percentDiscount();
        return percent == null ? gross : gross.subtract(gross.multiply(percent).divide(HUNDRED));
    }

    private static BigDecimal rounded(BigDecimal total) {
        BigDecimal value = total.setScale(6, RoundingMode.HALF_UP).stripTrailingZeros();
        return value.scale() < 0 ? value.setScale(0) : value;
    }

    /** Empty strings for dimensions not grouped by, so keys sort without nulls. */
    private record Key(LocalDate month, String projectId, String clusterName, String service) {}

    private static final class Sum {

        final String invoiceId;
        final @Nullable String projectName;
        final @Nullable String clusterId;
        BigDecimal total = BigDecimal.ZERO;

        Sum(String invoiceId, @Nullable String projectName, @Nullable String clusterId) {
            this.invoiceId = invoiceId;
            this.projectName = projectName;
            this.clusterId = clusterId;
        }

        void add(BigDecimal amount) {
            total = total.add(amount);
        }
    }
}
