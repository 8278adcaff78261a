package dev.billingsync.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.simulator.Fault;
import dev.billingsync.sync.ManualRun;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * After simulator syncs (one after a 429, one failing), {@code /actuator/prometheus} on the management port is valid
 * Prometheus text with the sync, upstream, JVM, HTTP and pool metrics and their tags; the Grafana dashboard and the
 * alerting rules only query metrics and labels that exist.
 */
@BillingSyncIntegrationTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.server.port=0",
            "billing.cost-explorer.enabled=false",
            "billing.atlas.retry.max-attempts=2",
            "billing.atlas.retry.initial-backoff=50ms",
            "billing.atlas.retry.max-backoff=100ms",
            "billing.health.freshness.refresh-interval=200ms"
        })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusExpositionIntegrationTests {

    static final String ORG_OK = "7b0c1a2b3c4d5e6f7a8b9c01";
    static final String ORG_FAILING = "7b0c1a2b3c4d5e6f7a8b9c02";
    static final String PENDING = "/orgs/{orgId}/invoices/pending";
    static final Path DASHBOARD = Path.of("helm/billing-sync/files/dashboards/billing-sync.json");
    static final Path ALERTS = Path.of("helm/billing-sync/files/alerts.yml");

    @AtlasUnderTest
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static {
        atlas.addOrg(ORG_OK, "Metrics Ok", 21, 15);
        atlas.addOrg(ORG_FAILING, "Metrics Failing", 22, 5);
    }

    @Autowired
    ApplicationContext context;

    @Autowired
    JdbcClient jdbc;

    @LocalManagementPort
    int managementPort;

    @LocalServerPort
    int serverPort;

    Instant syncedAfter;
    PrometheusText scrape;
    String body;

    @BeforeAll
    void syncAndScrape() throws IOException {
        syncedAfter = Instant.now();
        atlas.enqueueFault(ORG_OK, Fault.tooManyRequests(Duration.ofSeconds(1)));
        assertThat(sync(ORG_OK).status()).isEqualTo("SUCCEEDED");
        atlas.failAlways(ORG_FAILING, 500);
        assertThat(sync(ORG_FAILING).status()).isEqualTo("FAILED");
        Http.get(serverPort, "/actuator/health"); // an HTTP request on the API port, for http_server_requests
        System.gc(); // so jvm_gc_pause exists
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String current = Http.get(managementPort, "/actuator/prometheus").body();
            assertThat(PrometheusText.parse(current)
                            .samples("billing_sync_last_success_timestamp_seconds", Map.of("org", ORG_OK)))
                    .singleElement()
                    .satisfies(s -> assertThat(s.value()).isPositive());
        });
        HttpResponse<String> response = Http.get(managementPort, "/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        body = response.body();
        scrape = PrometheusText.parse(body);
    }

    @Test
    void exposesValidPrometheusText() throws Exception {
        assertThat(scrape.problems()).isEmpty();
        assertThat(scrape.types()).hasSizeGreaterThan(20);
        assertThat(scrape.samples())
                .allSatisfy(s -> assertThat(s.labels()).containsEntry("application", "billing-sync"));

        Path promtool = Binaries.onPath("promtool");
        if (promtool != null) {
            // promtool's lint judges names too; ours must pass it whole. Meters Spring Boot and libraries register
            // are checked for syntax by the parser above.
            String ours = ownFamilies();
            Process process = new ProcessBuilder(promtool.toString(), "check", "metrics")
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().write(ours.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue())
                    .as("promtool check metrics:\n%s", output)
                    .isZero();
        }
    }

    @Test
    void countsRunsByOrgTriggerAndStatusWithDurationsAndRows() {
        assertThat(value("billing_sync_runs_total", Map.of("org", ORG_OK, "trigger", "MANUAL", "status", "SUCCEEDED")))
                .isEqualTo(1);
        assertThat(value(
                        "billing_sync_runs_total", Map.of("org", ORG_FAILING, "trigger", "MANUAL", "status", "FAILED")))
                .isEqualTo(1);
        assertThat(scrape.types()).containsEntry("billing_sync_run_duration_seconds", "histogram");
        assertThat(value("billing_sync_run_duration_seconds_count", Map.of("org", ORG_OK, "status", "SUCCEEDED")))
                .isEqualTo(1);
        assertThat(value("billing_sync_run_duration_seconds_sum", Map.of("org", ORG_OK, "status", "SUCCEEDED")))
                .as("waited at least the 1 s Retry-After")
                .isGreaterThanOrEqualTo(1.0);
        assertThat(scrape.samples("billing_sync_run_duration_seconds_bucket", Map.of("org", ORG_OK, "le", "+Inf")))
                .singleElement()
                .satisfies(s -> assertThat(s.value()).isEqualTo(1));

        // The org's run also writes the linked orgs' invoices nested in its own, under those orgs.
        long lineItems = jdbc.sql("""
                        select count(*) from line_items li join invoices i on i.id = li.invoice_id
                        where i.org_id = ? or i.id in (select l.linked_invoice_id from linked_invoices l
                            join invoices paying on paying.id = l.invoice_id where paying.org_id = ?)""").params(ORG_OK, ORG_OK).query(Long.class).single();
        assertThat(lineItems).isPositive();
        assertThat(value("billing_sync_rows_written_total", Map.of("org", ORG_OK, "kind", "line_items")))
                .isEqualTo(lineItems);
        assertThat(value("billing_sync_rows_written_total", Map.of("org", ORG_OK, "kind", "invoices")))
                .isPositive();
        assertThat(value("billing_sync_rows_written_total", Map.of("org", ORG_OK, "kind", "usage_rows")))
                .isZero();
        assertThat(value("billing_sync_rows_written_total", Map.of("org", ORG_FAILING, "kind", "line_items")))
                .isZero();
    }

    @Test
    void reportsLastSuccessPerOrgAsATimestampGaugeFromTheDatabase() {
        assertThat(scrape.types()).containsEntry("billing_sync_last_success_timestamp_seconds", "gauge");
        double lastOk = value("billing_sync_last_success_timestamp_seconds", Map.of("org", ORG_OK));
        Instant recorded = jdbc.sql("select last_sync_succeeded_at from organizations where id = ?")
                .param(ORG_OK)
                .query(OffsetDateTime.class)
                .single()
                .toInstant();
        assertThat(lastOk).isCloseTo(recorded.getEpochSecond() + recorded.getNano() / 1e9, offset(0.001));
        assertThat(lastOk)
                .isBetween((double) syncedAfter.getEpochSecond(), Instant.now().getEpochSecond() + 1.0);
        assertThat(value("billing_sync_last_success_timestamp_seconds", Map.of("org", ORG_FAILING)))
                .as("never synced successfully")
                .isZero();
    }

    @Test
    void countsUpstreamRequestsByEndpointAndStatusWith429sRetriesAndTokenFetches() {
        assertThat(value("billing_atlas_requests_total", Map.of("endpoint", PENDING, "method", "GET", "status", "429")))
                .isEqualTo(1);
        assertThat(value("billing_atlas_requests_total", Map.of("endpoint", PENDING, "method", "GET", "status", "200")))
                .isGreaterThanOrEqualTo(1);
        assertThat(value("billing_atlas_requests_total", Map.of("endpoint", PENDING, "method", "GET", "status", "500")))
                .isEqualTo(2);
        // The Atlas client tags retries with the call ("GET " + path template), requests with the path template.
        assertThat(value("billing_atlas_retries_total", Map.of("endpoint", "GET " + PENDING, "reason", "429")))
                .isEqualTo(1);
        assertThat(value("billing_atlas_retries_total", Map.of("endpoint", "GET " + PENDING, "reason", "500")))
                .isEqualTo(1);
        assertThat(value("billing_atlas_token_fetches_total", Map.of("outcome", "success")))
                .isGreaterThanOrEqualTo(1);
        assertThat(scrape.types()).containsEntry("billing_atlas_request_duration_seconds", "histogram");
        assertThat(value("billing_atlas_request_duration_seconds_count", Map.of("endpoint", PENDING)))
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void exposesJvmHttpAndConnectionPoolMetricsOfSpringBoot() {
        assertThat(scrape.samples("jvm_memory_used_bytes", Map.of("area", "heap")))
                .isNotEmpty();
        assertThat(scrape.samples("jvm_memory_max_bytes")).isNotEmpty();
        assertThat(scrape.samples("jvm_gc_pause_seconds_count")).isNotEmpty();
        assertThat(scrape.samples("http_server_requests_seconds_count")).isNotEmpty();
        assertThat(scrape.types()).containsEntry("http_server_requests_seconds", "histogram");
        assertThat(scrape.samples("hikaricp_connections_active")).isNotEmpty();
        assertThat(scrape.samples("hikaricp_connections_max")).isNotEmpty();
        assertThat(scrape.samples("process_uptime_seconds")).isNotEmpty();
    }

    @Test
    void servesHealthAndMetricsOnTheManagementPortOnlyWithoutCredentials() throws IOException {
        assertThat(managementPort).isNotEqualTo(serverPort);
        assertThat(Http.get(managementPort, "/actuator/health").statusCode()).isEqualTo(200);
        assertThat(Http.get(managementPort, "/actuator/health/readiness").statusCode())
                .isEqualTo(200);
        assertThat(Http.get(managementPort, "/actuator/health/liveness").statusCode())
                .isEqualTo(200);
        assertThat(Http.get(managementPort, "/actuator/prometheus").statusCode())
                .isEqualTo(200);
        assertThat(Http.get(serverPort, "/actuator/health").statusCode()).isNotEqualTo(200);
        assertThat(Http.get(serverPort, "/actuator/prometheus").statusCode()).isNotEqualTo(200);
    }

    @Test
    void dashboardAndAlertsQueryOnlyMetricsAndLabelsThatExist() throws IOException {
        List<String> queries = new ArrayList<>();
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
        collectExpressions(dashboard, queries);
        Map<String, Object> alerts = new Yaml().load(Files.readString(ALERTS));
        for (Object group : (List<?>) alerts.get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                queries.add((String) ((Map<?, ?>) rule).get("expr"));
            }
        }
        assertThat(queries).hasSizeGreaterThan(20);

        Set<String> exposed = new HashSet<>();
        scrape.samples().forEach(s -> exposed.add(s.name()));
        for (String query : queries) {
            Set<String> metrics = metricNames(query);
            assertThat(metrics).as("metrics of %s", query).isNotEmpty();
            assertThat(exposed).as("query %s", query).containsAll(metrics);
            Set<String> labels = new HashSet<>(Set.of("le", "instance", "job"));
            metrics.forEach(
                    m -> scrape.samples(m).forEach(s -> labels.addAll(s.labels().keySet())));
            assertThat(labels).as("labels of %s", query).containsAll(labelNames(query));
        }
    }

    private static final Pattern SELECTOR = Pattern.compile("\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of(
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "and",
            "or",
            "unless",
            "bool",
            "offset",
            "Inf",
            "NaN");

    /** Metric names in a PromQL expression: identifiers that are not functions, keywords, labels or strings. */
    static Set<String> metricNames(String query) {
        String stripped = query.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(?:by|without|on|ignoring)\\s*\\([^)]*\\)", " ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(stripped);
        while (m.find()) {
            String token = m.group();
            int after = m.end();
            while (after < stripped.length() && stripped.charAt(after) == ' ') {
                after++;
            }
            boolean function = after < stripped.length() && stripped.charAt(after) == '(';
            boolean number = m.start() > 0 && Character.isDigit(stripped.charAt(m.start() - 1));
            if (!function && !number && !KEYWORDS.contains(token) && !token.startsWith("$")) {
                names.add(token);
            }
        }
        return names;
    }

    /** Label names used in selectors and in by/without clauses. */
    static Set<String> labelNames(String query) {
        Set<String> labels = new LinkedHashSet<>();
        Matcher selector = SELECTOR.matcher(query.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\""));
        while (selector.find()) {
            Matcher matcher = MATCHER.matcher(selector.group(1));
            while (matcher.find()) {
                labels.add(matcher.group(1));
            }
        }
        Matcher grouping = GROUPING.matcher(query);
        while (grouping.find()) {
            for (String label : grouping.group(1).split(",")) {
                if (!label.isBlank()) {
                    labels.add(label.trim());
                }
            }
        }
        return labels;
    }

    private static void collectExpressions(JsonNode node, List<String> into) {
        if (node.isObject()) {
            JsonNode expr = node.get("expr");
            if (expr != null && expr.isString()) {
                into.add(expr.asString());
            }
            node.values().forEach(child -> collectExpressions(child, into));
        } else if (node.isArray()) {
            node.values().forEach(child -> collectExpressions(child, into));
        }
    }

    private double value(String name, Map<String, String> labels) {
        List<PrometheusText.Sample> found = scrape.samples(name, labels);
        assertThat(found).as("%s%s in\n%s", name, labels, grep(name)).hasSize(1);
        return found.get(0).value();
    }

    private String grep(String name) {
        return String.join("\n", body.lines().filter(l -> l.contains(name)).toList());
    }

    /** Only the billing_* families, with their HELP and TYPE lines, for promtool's naming lint. */
    private String ownFamilies() {
        StringBuilder out = new StringBuilder();
        for (String line : body.split("\n")) {
            String name = line.startsWith("# ") ? line.split(" ")[2] : line;
            if (name.startsWith("billing_")) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    private ManualRun sync(String orgId) {
        return ManualRun.of(context, orgId);
    }
}
