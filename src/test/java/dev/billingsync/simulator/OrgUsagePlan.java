package dev.billingsync.simulator;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * What an org runs (projects, clusters, apps, a serverless instance) and therefore what it is billed for each day,
 * derived from the seed alone. A day's line items depend only on (seed, day, position), so adding a day or
 * rebuilding the org gives the same bytes whatever happened before.
 */
final class OrgUsagePlan {

    /** Lines per day of past (closed) invoices: enough to be realistic without holding months of a huge org. */
    static final int PAST_LINES_PER_DAY = 12;

    private static final List<String> PROJECT_NAMES = List.of(
            "Billing Prod",
            "analytics-staging",
            "Données Finance",
            "Mobile Backend",
            "search-platform",
            "Data Lake EU",
            "internal-tools",
            "Customer 360");
    private static final List<String> CLUSTER_BASES = List.of(
            "orders",
            "payments",
            "catalog",
            "analytics",
            "sessions",
            "inventory",
            "ledger",
            "events",
            "profiles",
            "metrics");
    private static final List<String> ENVIRONMENTS = List.of("prod", "staging", "dev");
    private static final List<String> APP_NAMES =
            List.of("checkout-service", "mobile-sync", "partner-webhooks", "reporting-api");
    private static final List<String> PROVIDERS = List.of("AWS", "AWS", "GCP", "AZURE", "AWS", "GCP");
    private static final List<Instance> INSTANCES = List.of(
            new Instance("M10", "0.08", "0.09", "0.09"),
            new Instance("M20", "0.20", "0.21", "0.22"),
            new Instance("M30", "0.54", "0.58", "0.60"),
            new Instance("M40", "1.04", "1.12", "1.15"),
            new Instance("M50", "2.00", "2.20", "2.27"));
    private static final List<Integer> STORAGE_GB = List.of(10, 40, 80, 160, 512, 1024);
    private static final List<@Nullable Map<String, List<String>>> TAG_VARIANTS = tagVariants();

    private final long seed;
    private final List<String> groupIds;
    private final List<UsageSource> daily;
    private final List<UsageSource> past;

    OrgUsagePlan(long seed, int linesPerDay, Instant projectsCreated) {
        if (linesPerDay < 0) {
            throw new IllegalArgumentException("lineItemsPerDay must not be negative: " + linesPerDay);
        }
        this.seed = seed;
        SplittableRandom random = new SplittableRandom(seed);
        ObjectIds ids = new ObjectIds(random);
        int projectCount = Math.max(3, Math.min(50, (linesPerDay + 59) / 60));
        List<Project> projects = new ArrayList<>();
        for (int p = 0; p < projectCount; p++) {
            String name = p < PROJECT_NAMES.size() ? PROJECT_NAMES.get(p) : "Project " + (p + 1);
            BigDecimal discount = p == 0 ? new BigDecimal("10") : p == 3 ? new BigDecimal("12.5") : null;
            projects.add(new Project(ids.next(projectsCreated.plus(Duration.ofDays(7L * p))), name, discount));
        }
        List<UsageSource> all = new ArrayList<>();
        for (Project project : projects) {
            addProjectServices(all, project, projects.indexOf(project));
        }
        for (int cluster = 0; cluster < 5 || all.size() < linesPerDay; cluster++) {
            addCluster(all, projects.get(cluster % projectCount), cluster, random);
        }
        this.groupIds = projects.stream().map(Project::id).toList();
        this.daily = select(all, linesPerDay, random);
        this.past = spread(daily, PAST_LINES_PER_DAY);
    }

    List<UsageSource> daily() {
        return daily;
    }

    List<UsageSource> past() {
        return past;
    }

    List<String> groupIds() {
        return groupIds;
    }

    /** One day of usage; Atlas posts it the next day, so {@code created} falls on {@code day + 1}. */
    List<LineItem> lines(List<UsageSource> sources, LocalDate day) {
        Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = start.plus(Duration.ofDays(1));
        Instant posted = postedAt(day);
        List<LineItem> lines = new ArrayList<>(sources.size());
        for (int i = 0; i < sources.size(); i++) {
            UsageSource source = sources.get(i);
            SplittableRandom random = new SplittableRandom(mix(mix(seed, day.toEpochDay()), i));
            BigDecimal quantity = source.quantityKind().draw(random, source.magnitude());
            int futureRevision = source.futureField() ? 1 + random.nextInt(3) : 0;
            lines.add(LineItem.priced(source, start, end, posted.plusSeconds(i / 500), quantity, futureRevision));
        }
        return lines;
    }

    Instant postedAt(LocalDate day) {
        long offset = Math.floorMod(mix(seed, ~day.toEpochDay()), 3 * 3600L);
        return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(3600 + offset);
    }

    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void addProjectServices(List<UsageSource> all, Project project, int index) {
        if (index % 2 == 0) {
            String app = APP_NAMES.get((index / 2) % APP_NAMES.size()) + (index >= 8 ? "-" + index : "");
            all.add(new UsageSource(
                    project.id(),
                    project.name(),
                    null,
                    null,
                    "STITCH_COMPUTE",
                    "runtime hours",
                    new BigDecimal("0.0072"),
                    QuantityKind.RUNTIME_HOURS,
                    40,
                    null,
                    null,
                    app,
                    null,
                    null,
                    null,
                    false));
            all.add(new UsageSource(
                    project.id(),
                    project.name(),
                    null,
                    null,
                    "STITCH_DATA_DOWNLOADED",
                    "GB",
                    new BigDecimal("0.12"),
                    QuantityKind.TRANSFER_GB,
                    3,
                    null,
                    null,
                    app,
                    null,
                    null,
                    null,
                    false));
        }
        if (index % 3 == 1) {
            String serverless = "serverless" + index;
            Map<String, List<String>> tags = new TreeMap<>(Map.of("env", List.of("prod")));
            all.add(new UsageSource(
                    project.id(),
                    project.name(),
                    serverless,
                    "AWS",
                    "ATLAS_NDS_AWS_SERVERLESS_RPU",
                    "million RPUs",
                    new BigDecimal("0.10"),
                    QuantityKind.FULL_TIER,
                    50,
                    BigDecimal.ZERO,
                    new BigDecimal("50"),
                    null,
                    null,
                    tags,
                    null,
                    false));
            all.add(new UsageSource(
                    project.id(),
                    project.name(),
                    serverless,
                    "AWS",
                    "ATLAS_NDS_AWS_SERVERLESS_RPU",
                    "million RPUs",
                    new BigDecimal("0.07"),
                    QuantityKind.PARTIAL_TIER,
                    500,
                    new BigDecimal("50"),
                    new BigDecimal("550"),
                    null,
                    null,
                    tags,
                    null,
                    false));
        }
    }

    private static void addCluster(List<UsageSource> all, Project project, int k, SplittableRandom random) {
        int round = k / (CLUSTER_BASES.size() * ENVIRONMENTS.size());
        String name = CLUSTER_BASES.get(k % CLUSTER_BASES.size()) + "-"
                + ENVIRONMENTS.get((k / CLUSTER_BASES.size()) % ENVIRONMENTS.size())
                + (round > 0 ? "-" + round : "");
        String provider = PROVIDERS.get(k % PROVIDERS.size());
        Instance instance = INSTANCES.get(random.nextInt(INSTANCES.size()));
        int nodes = random.nextInt(6) == 0 ? 5 : 3;
        int storage = STORAGE_GB.get(random.nextInt(STORAGE_GB.size()));
        Map<String, List<String>> tags = TAG_VARIANTS.get(k % TAG_VARIANTS.size());
        String prefix = "ATLAS_" + provider + "_";
        all.add(new UsageSource(
                project.id(),
                project.name(),
                name,
                provider,
                prefix + "INSTANCE_" + instance.size(),
                "server hours",
                instance.price(provider),
                QuantityKind.SERVER_HOURS,
                nodes,
                null,
                null,
                null,
                null,
                tags,
                project.instanceDiscount(),
                false));
        String storageSku = switch (provider) {
            case "AWS" -> "ATLAS_AWS_STORAGE_STANDARD_GP3";
            case "GCP" -> "ATLAS_GCP_STORAGE_SSD";
            default -> "ATLAS_AZURE_STORAGE_P10";
        };
        String storagePrice = switch (provider) {
            case "AWS" -> "0.000156";
            case "GCP" -> "0.000233";
            default -> "0.00021";
        };
        all.add(new UsageSource(
                project.id(),
                project.name(),
                name,
                provider,
                storageSku,
                "GB hours",
                new BigDecimal(storagePrice),
                QuantityKind.STORAGE_GB_HOURS,
                storage,
                null,
                null,
                null,
                null,
                tags,
                null,
                false));
        String transferSku = switch (provider) {
            case "AWS" -> "ATLAS_AWS_DATA_TRANSFER_SAME_REGION";
            case "GCP" -> "ATLAS_GCP_DATA_TRANSFER_INTER_ZONE";
            default -> "ATLAS_AZURE_DATA_TRANSFER";
        };
        String transferPrice = "AZURE".equals(provider) ? "0.0125" : "0.01";
        all.add(new UsageSource(
                project.id(),
                project.name(),
                name,
                provider,
                transferSku,
                "GB",
                new BigDecimal(transferPrice),
                QuantityKind.TRANSFER_GB,
                20,
                null,
                null,
                null,
                null,
                tags,
                null,
                k % 3 == 0));
        // Older line items (and some SKUs) come without cloudProvider.
        all.add(new UsageSource(
                project.id(),
                project.name(),
                name,
                null,
                prefix + "BACKUP_SNAPSHOT_STORAGE",
                "GB days",
                new BigDecimal("AWS".equals(provider) ? "0.0045" : "0.0047"),
                QuantityKind.BACKUP_GB_DAYS,
                storage,
                null,
                null,
                null,
                null,
                tags,
                null,
                false));
        if (k % 3 == 2 && !"AZURE".equals(provider)) {
            String internet =
                    "AWS".equals(provider) ? "ATLAS_AWS_DATA_TRANSFER_INTERNET" : "ATLAS_GCP_DATA_TRANSFER_INTERNET";
            all.add(new UsageSource(
                    project.id(),
                    project.name(),
                    name,
                    provider,
                    internet,
                    "GB",
                    new BigDecimal("AWS".equals(provider) ? "0.09" : "0.12"),
                    QuantityKind.TRANSFER_GB,
                    5,
                    null,
                    null,
                    null,
                    "Includes egress to a peered VPC",
                    tags,
                    null,
                    false));
        }
        if (k % 7 == 3) {
            all.add(new UsageSource(
                    project.id(),
                    project.name(),
                    name,
                    provider,
                    "ATLAS_BI_CONNECTOR",
                    "server hours",
                    new BigDecimal("0.0455"),
                    QuantityKind.SERVER_HOURS,
                    1,
                    null,
                    null,
                    null,
                    "BI Connector sampling enabled",
                    tags,
                    null,
                    false));
        }
    }

    /**
     * Exactly {@code count} sources: first one of each optional shape (so even a small org shows discounts, tiers,
     * apps, notes, empty and absent tags, unknown fields, every provider), then a seeded pick of the rest, kept in
     * their natural project/cluster order.
     */
    private static List<UsageSource> select(List<UsageSource> all, int count, SplittableRandom random) {
        List<Predicate<UsageSource>> shapes = List.of(
                source -> source.percentDiscount() != null,
                UsageSource::tiered,
                source -> source.stitchAppName() != null,
                source -> source.note() != null,
                source -> source.tags() != null && source.tags().isEmpty(),
                source -> source.tags() == null && source.clusterName() != null,
                UsageSource::futureField,
                source -> "GCP".equals(source.cloudProvider()),
                source -> "AZURE".equals(source.cloudProvider()),
                source -> source.cloudProvider() == null && source.clusterName() != null);
        BitSet chosen = new BitSet(all.size());
        for (Predicate<UsageSource> shape : shapes) {
            if (chosen.cardinality() == count) {
                break;
            }
            for (int i = 0; i < all.size(); i++) {
                if (!chosen.get(i) && shape.test(all.get(i))) {
                    chosen.set(i);
                    break;
                }
            }
        }
        List<Integer> rest = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (!chosen.get(i)) {
                rest.add(i);
            }
        }
        Collections.shuffle(rest, new Random(random.nextLong()));
        for (int i = 0; chosen.cardinality() < count && i < rest.size(); i++) {
            chosen.set(rest.get(i));
        }
        List<UsageSource> selected = new ArrayList<>(count);
        chosen.stream().forEach(i -> selected.add(all.get(i)));
        return List.copyOf(selected);
    }

    private static List<UsageSource> spread(List<UsageSource> sources, int count) {
        if (sources.size() <= count) {
            return sources;
        }
        List<UsageSource> picked = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            picked.add(sources.get(i * sources.size() / count));
        }
        return List.copyOf(picked);
    }

    private static List<@Nullable Map<String, List<String>>> tagVariants() {
        List<@Nullable Map<String, List<String>>> variants = new ArrayList<>();
        variants.add(Collections.unmodifiableMap(
                new TreeMap<>(Map.of("env", List.of("prod"), "team", List.of("billing", "finance")))));
        variants.add(Collections.unmodifiableMap(
                new TreeMap<>(Map.of("cost-center", List.of("cc-1042"), "env", List.of("staging")))));
        variants.add(Map.of());
        variants.add(null);
        variants.add(Collections.unmodifiableMap(new TreeMap<>(Map.of(
                "application", List.of("orders"), "env", List.of("prod"), "owner", List.of("jane.doe@example.com")))));
        return Collections.unmodifiableList(variants);
    }

    private record Project(String id, String name, @Nullable BigDecimal instanceDiscount) {}

    private record Instance(String size, String aws, String gcp, String azure) {

        BigDecimal price(String provider) {
            return new BigDecimal(
                    switch (provider) {
                        case "AWS" -> aws;
                        case "GCP" -> gcp;
                        default -> azure;
                    });
        }
    }
}
