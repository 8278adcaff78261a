package dev.billingsync.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.billingsync.atlas.AtlasProperties;
import dev.billingsync.config.DatabaseProperties;
import dev.billingsync.orgs.OrgDiscoveryProperties;
import dev.billingsync.orgs.OrgProperties;
import dev.billingsync.sync.SyncHealthProperties;
import dev.billingsync.sync.SyncProperties;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Lints the Helm chart strictly and renders it with default, full and existing-secret values. */
class HelmChartTests {

    static final Path CHART = Path.of("helm/billing-sync");
    static final String RELEASE = "billing";
    static final String FULLNAME = "billing-billing-sync";

    @Test
    void passesStrictLint() {
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.isFailed()).as("lint failed: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages())
                .allSatisfy(message -> assertThat(message).doesNotContain("[ERROR]", "[WARNING]"));
    }

    @Test
    void defaultValuesRenderAHardenedDeploymentProbedOnTheManagementPort() {
        Manifests manifests = render(template -> {});

        Map<String, Object> deployment = manifests.one("Deployment", FULLNAME);
        assertThat(at(deployment, "spec.replicas")).isEqualTo(2);
        assertThat(at(deployment, "spec.strategy.type")).isEqualTo("RollingUpdate");
        assertThat(at(deployment, "spec.strategy.rollingUpdate.maxUnavailable")).isEqualTo(0);
        Map<String, Object> pod = map(at(deployment, "spec.template.spec"));
        assertThat(at(pod, "securityContext.runAsNonRoot")).isEqualTo(true);
        assertThat(at(pod, "automountServiceAccountToken")).isEqualTo(false);
        assertThat((Integer) at(pod, "terminationGracePeriodSeconds"))
                .as("longer than spring.lifecycle.timeout-per-shutdown-phase (60s) for an in-flight sync")
                .isGreaterThan(60);

        Map<String, Object> container = onlyContainer(deployment);
        assertThat(at(container, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(at(container, "securityContext.allowPrivilegeEscalation")).isEqualTo(false);
        assertThat(list(at(container, "securityContext.capabilities.drop"))).containsExactly("ALL");
        assertThat(list(at(container, "volumeMounts")))
                .anySatisfy(mount ->
                        assertThat(map(mount)).containsEntry("name", "tmp").containsEntry("mountPath", "/tmp"));
        assertThat(list(at(pod, "volumes")))
                .anySatisfy(volume ->
                        assertThat(map(volume)).containsEntry("name", "tmp").containsKey("emptyDir"));
        assertThat(map(at(container, "resources.requests"))).containsKeys("cpu", "memory");
        assertThat(map(at(container, "resources.limits"))).containsKey("memory");

        assertThat(env(container))
                .containsEntry("MANAGEMENT_SERVER_PORT", "8081")
                .containsEntry("SERVER_PORT", "8080");
        assertThat(list(at(container, "ports")))
                .extracting(port -> map(port).get("name"), port -> map(port).get("containerPort"))
                .containsExactlyInAnyOrder(tuple("http", 8080), tuple("management", 8081));
        assertProbe(container, "startupProbe", "/actuator/health/liveness");
        assertProbe(container, "livenessProbe", "/actuator/health/liveness");
        assertProbe(container, "readinessProbe", "/actuator/health/readiness");

        assertThat(envFrom(container, "secretRef")).containsExactly(FULLNAME);
        assertThat(envFrom(container, "configMapRef")).containsExactly(FULLNAME);
        manifests.one("Secret", FULLNAME);
        assertThat(map(at(manifests.one("ConfigMap", FULLNAME), "data")))
                .containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs")
                .containsKey("SPRING_DATASOURCE_URL");

        assertThat(env(container))
                .as("a JVM whose heap ran out exits, whatever image or entrypoint runs it")
                .containsEntry("JAVA_TOOL_OPTIONS", "-XX:+ExitOnOutOfMemoryError");

        Map<String, Object> service = manifests.one("Service", FULLNAME);
        assertThat(list(at(service, "spec.ports")))
                .as("the API Service exposes no actuator")
                .extracting(port -> map(port).get("name"))
                .containsExactly("http");
        Map<String, Object> management = manifests.one("Service", FULLNAME + "-management");
        assertThat(at(management, "spec.type")).isEqualTo("ClusterIP");
        assertThat(map(at(management, "metadata.labels"))).containsEntry("app.kubernetes.io/component", "management");
        assertThat(list(at(management, "spec.ports")))
                .extracting(port -> map(port).get("name"), port -> map(port).get("port"))
                .containsExactly(tuple("management", 8081));
        assertThat(at(manifests.one("PodDisruptionBudget", FULLNAME), "spec.maxUnavailable"))
                .isEqualTo(1);
        assertThat(manifests.kinds()).doesNotContain("ServiceMonitor", "PrometheusRule", "NetworkPolicy");
        assertThat(manifests.ofKind("ConfigMap")).hasSize(1);
    }

    @Test
    void fullValuesRenderEveryOptionalObject() {
        Manifests manifests = render(template -> template.withValuesFile(CHART.resolve("ci/full-values.yaml")));

        Map<String, Object> deployment = manifests.one("Deployment", FULLNAME);
        assertThat(at(deployment, "spec.replicas")).isEqualTo(3);
        Map<String, Object> container = onlyContainer(deployment);
        assertThat(at(container, "image")).isEqualTo("registry.example.com/finance/billing-sync:1.2.3");
        assertThat(env(container))
                .containsEntry("BPL_JVM_HEAD_ROOM", "10")
                .containsEntry("BPL_JVM_THREAD_COUNT", "120")
                .containsEntry("JAVA_TOOL_OPTIONS", "-XX:+ExitOnOutOfMemoryError -XX:MaxDirectMemorySize=64m")
                .containsEntry("TZ", "UTC");
        assertThat(at(container, "lifecycle.preStop.sleep.seconds")).isEqualTo(5);
        assertThat(at(container, "startupProbe.failureThreshold")).isEqualTo(90);
        assertThat(map(at(deployment, "spec.template.metadata.annotations")))
                .containsEntry("prometheus.io/port", "8081")
                .containsEntry("prometheus.io/path", "/actuator/prometheus")
                .containsKeys("checksum/config", "checksum/secret");

        Map<String, Object> monitor = manifests.one("ServiceMonitor", FULLNAME);
        assertThat(map(at(monitor, "metadata.labels"))).containsEntry("release", "kube-prometheus-stack");
        Map<String, Object> endpoint = map(list(at(monitor, "spec.endpoints")).get(0));
        assertThat(endpoint).containsEntry("port", "management").containsEntry("path", "/actuator/prometheus");
        assertThat(map(at(monitor, "spec.selector.matchLabels")))
                .containsEntry("app.kubernetes.io/component", "management");
        assertThat(map(at(manifests.one("Service", FULLNAME + "-management"), "metadata.annotations")))
                .containsEntry("example.com/internal", "true");

        Map<String, Object> dashboard = manifests.one("ConfigMap", FULLNAME + "-dashboard");
        assertThat(at(dashboard, "metadata.namespace")).isEqualTo("monitoring");
        assertThat(map(at(dashboard, "metadata.labels"))).containsEntry("grafana_dashboard", "1");
        JsonNode json = JsonMapper.builder().build().readTree((String) at(dashboard, "data.billing-sync\\.json"));
        assertThat(json.get("uid").asString()).isEqualTo("billing-sync");
        assertThat(json.get("panels")).isNotEmpty();

        List<Object> rules = list(at(manifests.one("PrometheusRule", FULLNAME), "spec.groups"));
        assertThat(list(map(rules.get(0)).get("rules")))
                .extracting(rule -> map(rule).get("alert"))
                .contains("BillingSyncOrgStale", "BillingSyncRunsFailing", "BillingSyncAtlasRateLimited");

        Map<String, Object> policy = manifests.one("NetworkPolicy", FULLNAME);
        assertThat(list(at(policy, "spec.policyTypes"))).containsExactly("Ingress", "Egress");
        assertThat(list(at(policy, "spec.ingress"))).hasSize(2);
        assertThat(peers(policy, "http"))
                .containsExactly(Map.of(
                        "namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "finance"))));
        assertThat(peers(policy, "management"))
                .containsExactly(
                        Map.of(
                                "namespaceSelector",
                                Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "monitoring")),
                                "podSelector",
                                Map.of("matchLabels", Map.of("app.kubernetes.io/name", "prometheus"))),
                        Map.of("ipBlock", Map.of("cidr", "10.0.0.0/16")),
                        Map.of(
                                "namespaceSelector",
                                Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "monitoring")),
                                "podSelector",
                                Map.of("matchLabels", Map.of("app.kubernetes.io/name", "blackbox-exporter"))));
    }

    /**
     * The example policy opens the management port to the default Prometheus selectors only (kubelet probes from the
     * pod's own node are allowed by Kubernetes anyway), never to every peer: with no peer configured there is no
     * management rule at all, since a rule without {@code from} would admit everyone.
     */
    @Test
    void networkPolicyOpensTheManagementPortToPrometheusOnly(@TempDir Path temp) throws IOException {
        Manifests defaults = render(template -> template.set("networkPolicy.enabled", true));

        Map<String, Object> policy = defaults.one("NetworkPolicy", FULLNAME);
        assertThat(list(at(policy, "spec.policyTypes"))).containsExactly("Ingress");
        assertThat(map(list(at(policy, "spec.ingress")).get(0)))
                .as("apiFrom [] admits every API caller")
                .doesNotContainKey("from");
        assertThat(peers(policy, "management"))
                .containsExactly(Map.of(
                        "namespaceSelector",
                        Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "monitoring")),
                        "podSelector",
                        Map.of("matchLabels", Map.of("app.kubernetes.io/name", "prometheus"))));

        Path noPrometheus = temp.resolve("no-prometheus.yaml");
        Files.writeString(noPrometheus, """
                networkPolicy:
                  enabled: true
                  prometheus:
                    namespaceSelector: null
                    podSelector: null
                """);
        Map<String, Object> closed =
                render(template -> template.withValuesFile(noPrometheus)).one("NetworkPolicy", FULLNAME);
        assertThat(list(at(closed, "spec.ingress")))
                .singleElement()
                .satisfies(rule -> assertThat(list(map(rule).get("ports")))
                        .extracting(port -> map(port).get("port"))
                        .containsExactly("http"));
    }

    @Test
    void managementPortCanStayOnTheApiService() {
        Manifests manifests = render(template ->
                template.set("management.service.enabled", false).set("metrics.serviceMonitor.enabled", true));

        assertThat(list(at(manifests.one("Service", FULLNAME), "spec.ports")))
                .extracting(port -> map(port).get("name"))
                .containsExactly("http", "management");
        assertThat(manifests.ofKind("Service")).hasSize(1);
        assertThat(map(at(manifests.one("ServiceMonitor", FULLNAME), "spec.selector.matchLabels")))
                .containsEntry("app.kubernetes.io/component", "api");
    }

    /**
     * The ConfigMap and Secret hold environment variable names; Spring Boot's relaxed binding must turn them into the
     * DESIGN.md §3 properties, so this binds them exactly as the application would.
     */
    @Test
    void everyConfigurationSettingReachesTheApplicationThroughRelaxedBinding() {
        Manifests manifests = render(template -> template.withValuesFile(CHART.resolve("ci/full-values.yaml")));
        Map<String, Object> environment = new HashMap<>(map(at(manifests.one("ConfigMap", FULLNAME), "data")));
        map(at(manifests.one("Secret", FULLNAME), "data"))
                .forEach((name, value) -> environment.put(
                        name, new String(Base64.getDecoder().decode((String) value), StandardCharsets.UTF_8)));
        Binder binder = binderOver(environment);

        AtlasProperties atlas = binder.bindOrCreate("billing.atlas", AtlasProperties.class);
        assertThat(atlas.baseUrl()).isEqualTo(URI.create("https://atlas.example.com"));
        assertThat(atlas.clientId()).isEqualTo("mdb_sa_id_global");
        assertThat(atlas.clientSecret()).isEqualTo("mdb_sa_sk_global_secret");
        assertThat(atlas.timeouts().connect()).isEqualTo(Duration.ofSeconds(5));
        assertThat(atlas.timeouts().read()).isEqualTo(Duration.ofSeconds(90));
        assertThat(atlas.timeouts().call()).isEqualTo(Duration.ofMinutes(20));
        assertThat(atlas.retry().maxAttempts()).isEqualTo(7);
        assertThat(atlas.retry().initialBackoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(atlas.retry().maxBackoff()).isEqualTo(Duration.ofMinutes(2));
        assertThat(atlas.retry().maxRetryAfter()).isEqualTo(Duration.ofMinutes(10));
        assertThat(atlas.versions().invoices()).isEqualTo("2024-05-30");
        assertThat(atlas.versions().costExplorer()).isEqualTo("2024-08-05");
        assertThat(atlas.spoolDirectory()).isEqualTo(Path.of("/tmp/spool"));

        List<OrgProperties.Org> orgs =
                binder.bindOrCreate("billing", OrgProperties.class).orgs();
        assertThat(orgs)
                .extracting(OrgProperties.Org::id)
                .containsExactly("5f0c1a2b3c4d5e6f7a8b9c01", "5f0c1a2b3c4d5e6f7a8b9c02", "5f0c1a2b3c4d5e6f7a8b9c03");
        assertThat(orgs.get(0).name()).isEqualTo("Acme Retail");
        assertThat(orgs.get(1).clientId()).isEqualTo("mdb_sa_id_labs");
        assertThat(orgs.get(1).clientSecret()).isEqualTo("mdb_sa_sk_labs_secret");
        assertThat(orgs.get(2).publicKey()).isEqualTo("legacypub");
        assertThat(orgs.get(2).privateKey()).isEqualTo("legacy-private-key-value");

        SyncProperties sync = binder.bindOrCreate("billing.sync", SyncProperties.class);
        assertThat(sync.enabled()).isTrue();
        assertThat(sync.cron()).isEqualTo("0 15 * * * *");
        assertThat(sync.runOnStartup()).isFalse();
        assertThat(sync.startupGrace()).isEqualTo(Duration.ofMinutes(10));
        assertThat(sync.lockAtMostFor()).isEqualTo(Duration.ofMinutes(3));
        assertThat(sync.orgTimeBudget()).isEqualTo(Duration.ofMinutes(45));
        assertThat(sync.historyMonths()).isEqualTo(24);
        assertThat(sync.parallelism()).isEqualTo(8);

        OrgDiscoveryProperties discovery = binder.bindOrCreate("billing.orgs-discovery", OrgDiscoveryProperties.class);
        assertThat(discovery.enabled()).isTrue();
        assertThat(discovery.exclude()).containsExactly("5f0c1a2b3c4d5e6f7a8b9cff");
        assertThat(binder.bind("billing.cost-explorer.refresh-after", Duration.class)
                        .get())
                .isEqualTo(Duration.ofHours(4));

        DatabaseProperties database = binder.bindOrCreate("billing.database", DatabaseProperties.class);
        assertThat(database.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(database.socketTimeout()).isEqualTo(Duration.ofSeconds(200));
        assertThat(database.statementTimeout()).isEqualTo(Duration.ofMinutes(3));
        assertThat(sync.finalInvoiceStatuses()).containsExactly("PAID", "FORGIVEN");

        SyncHealthProperties health = binder.bindOrCreate("billing.health", SyncHealthProperties.class);
        assertThat(health.freshness().warnAfter()).isEqualTo(Duration.ofHours(4));
        assertThat(health.freshness().status()).isEqualTo("WARNING");
        assertThat(health.freshness().refreshInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(binder.bind("billing.api.response-cache.max-size", DataSize.class)
                        .get())
                .isEqualTo(DataSize.ofMegabytes(64));
        assertThat(binder.bind("billing.api.response-cache.max-entry-size", DataSize.class)
                        .get())
                .isEqualTo(DataSize.ofMegabytes(2));

        CostExplorerSettings costExplorer = binder.bindOrCreate("billing.cost-explorer", CostExplorerSettings.class);
        assertThat(costExplorer).isEqualTo(new CostExplorerSettings(true, 6, List.of("services", "projects")));

        List<ApiKeySetting> keys =
                binder.bindOrCreate("billing.security.api-keys", Bindable.listOf(ApiKeySetting.class));
        assertThat(keys)
                .containsExactly(
                        new ApiKeySetting(
                                "finance-dashboard", "fd-key-value-0123456789", List.of("READ"), List.of("*")),
                        new ApiKeySetting(
                                "billing-ops",
                                "ops-key-value-9876543210",
                                List.of("READ", "SYNC"),
                                List.of("5f0c1a2b3c4d5e6f7a8b9c01", "5f0c1a2b3c4d5e6f7a8b9c02")));

        assertThat(string(binder, "spring.security.oauth2.resourceserver.jwt.issuer-uri"))
                .isEqualTo("https://login.example.com/realms/finance");
        assertThat(string(binder, "spring.security.oauth2.resourceserver.jwt.jwk-set-uri"))
                .isEqualTo("https://login.example.com/realms/finance/protocol/openid-connect/certs");
        assertThat(binder.bind("spring.security.oauth2.resourceserver.jwt.audiences", Bindable.listOf(String.class))
                        .get())
                .containsExactly("billing-sync", "billing-sync-legacy");
        assertThat(string(binder, "spring.datasource.url"))
                .isEqualTo("jdbc:postgresql://finance-db.databases.svc:5432/billing_sync?sslmode=require");
        assertThat(string(binder, "spring.datasource.username")).isEqualTo("billing_sync_app");
        assertThat(string(binder, "spring.datasource.password")).isEqualTo("db-password-value");
        assertThat(binder.bind("spring.datasource.hikari.maximum-pool-size", Integer.class)
                        .get())
                .isEqualTo(15);
        assertThat(string(binder, "logging.structured.format.console")).isEqualTo("logstash");
        assertThat(string(binder, "logging.level.dev.billingsync")).isEqualTo("DEBUG");
    }

    @Test
    void existingSecretReplacesTheChartsSecret() {
        Manifests manifests =
                render(template -> template.withValuesFile(CHART.resolve("ci/existing-secret-values.yaml")));

        assertThat(manifests.ofKind("Secret")).isEmpty();
        Map<String, Object> deployment = manifests.one("Deployment", FULLNAME);
        assertThat(envFrom(onlyContainer(deployment), "secretRef")).containsExactly("billing-sync-credentials");
        assertThat(map(at(deployment, "spec.template.metadata.annotations"))).doesNotContainKey("checksum/secret");
        assertThat(map(at(manifests.one("ConfigMap", FULLNAME), "data")))
                .containsEntry("BILLING_ORGS_1_ID", "5f0c1a2b3c4d5e6f7a8b9c02")
                .containsEntry("BILLING_SECURITY_API_KEYS_0_NAME", "finance-dashboard")
                .doesNotContainKey("BILLING_SECURITY_API_KEYS_0_KEY");
    }

    @Test
    void refusesInlineCredentialsBesideAnExistingSecret() {
        assertThatThrownBy(
                        () -> render(template -> template.set("credentials.existingSecret", "billing-sync-credentials")
                                .set("credentials.atlas.clientSecret", "inline-secret")))
                .hasMessageContaining("credentials.existingSecret is set");
    }

    @Test
    void refusesJwtsWithoutAudienceOrWithAJwkSetButNoIssuer() {
        assertThatThrownBy(() -> render(template -> template.set("api.jwt.issuerUri", "https://login.example.com")))
                .hasMessageContaining("api.jwt.audiences is required");
        assertThatThrownBy(() -> render(template -> template.set("api.jwt.jwkSetUri", "https://login.example.com/certs")
                        .set("api.jwt.audiences[0]", "billing-sync")))
                .hasMessageContaining("api.jwt.issuerUri is required with api.jwt.jwkSetUri");
    }

    @Test
    void schemaRejectsInvalidValues() {
        assertThatThrownBy(() -> render(template -> template.set("networkPolicy.nodeCidrs[0]", "node-network")))
                .hasMessageContaining("nodeCidrs");
        assertThatThrownBy(() -> render(template -> template.set("management.service.type", "LoadBalancer")))
                .hasMessageContaining("management");
        assertThatThrownBy(() -> render(template -> template.set("orgs[0].id", "not-an-org-id")))
                .hasMessageContaining("orgs");
        assertThatThrownBy(() -> render(template -> template.set("logging.format", "xml")))
                .hasMessageContaining("logging");
        assertThatThrownBy(() -> render(template -> template.set("costExplorer.months", 19)))
                .hasMessageContaining("months");
    }

    @Test
    void plainLoggingRendersNoStructuredFormat() {
        Manifests manifests = render(template -> template.set("logging.format", "plain"));

        assertThat(map(at(manifests.one("ConfigMap", FULLNAME), "data")))
                .doesNotContainKey("LOGGING_STRUCTURED_FORMAT_CONSOLE");
    }

    /** The shape DESIGN.md §3 gives billing.cost-explorer.*, bound here before the application has its own record. */
    record CostExplorerSettings(
            @Nullable Boolean enabled,
            @Nullable Integer months,
            @Nullable List<String> groupBy) {}

    /** The shape DESIGN.md §3 gives billing.security.api-keys[N]. */
    record ApiKeySetting(String name, String key, List<String> roles, List<String> orgs) {}

    private static Manifests render(Consumer<TemplateCommand> values) {
        TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace("finance");
        values.accept(template);
        String yaml = template.call();
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml().loadAll(yaml)) {
            if (document != null) {
                documents.add(map(document));
            }
        }
        return new Manifests(documents);
    }

    record Manifests(List<Map<String, Object>> documents) {

        List<Map<String, Object>> ofKind(String kind) {
            return documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
        }

        List<Object> kinds() {
            return documents.stream().map(d -> d.get("kind")).toList();
        }

        Map<String, Object> one(String kind, String name) {
            List<Map<String, Object>> found = ofKind(kind).stream()
                    .filter(d -> name.equals(at(d, "metadata.name")))
                    .toList();
            assertThat(found).as("%s %s", kind, name).hasSize(1);
            return found.get(0);
        }
    }

    private static Binder binderOver(Map<String, Object> environmentVariables) {
        StandardEnvironment environment = new StandardEnvironment();
        MutablePropertySources sources = environment.getPropertySources();
        sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        String name = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;
        sources.replace(name, new SystemEnvironmentPropertySource(name, environmentVariables));
        return Binder.get(environment);
    }

    private static String string(Binder binder, String property) {
        return binder.bind(property, String.class).orElse("<unbound>");
    }

    private static void assertProbe(Map<String, Object> container, String probe, String path) {
        assertThat(at(container, probe + ".httpGet.path")).as(probe).isEqualTo(path);
        assertThat(at(container, probe + ".httpGet.port")).as(probe).isEqualTo("management");
    }

    /** The {@code from} peers of the policy's ingress rule for {@code port}. */
    private static List<Object> peers(Map<String, Object> policy, String port) {
        List<Object> rules = list(at(policy, "spec.ingress")).stream()
                .filter(rule -> list(map(rule).get("ports")).stream().anyMatch(p -> port.equals(map(p).get("port"))))
                .toList();
        assertThat(rules).as("ingress rules for port %s", port).hasSize(1);
        return list(map(rules.get(0)).get("from"));
    }

    private static Map<String, Object> onlyContainer(Map<String, Object> deployment) {
        List<Object> containers = list(at(deployment, "spec.template.spec.containers"));
        assertThat(containers).hasSize(1);
        return map(containers.get(0));
    }

    private static Map<String, Object> env(Map<String, Object> container) {
        Map<String, Object> env = new HashMap<>();
        list(container.get("env")).forEach(e -> env.put((String) map(e).get("name"), map(e).get("value")));
        return env;
    }

    private static List<Object> envFrom(Map<String, Object> container, String kind) {
        return list(container.get("envFrom")).stream()
                .map(source -> map(source).get(kind))
                .filter(ref -> ref != null)
                .map(ref -> map(ref).get("name"))
                .toList();
    }

    /** The value at a dotted path; a dot inside a key is written {@code \.}. */
    private static @Nullable Object at(Map<String, Object> document, String path) {
        Object current = document;
        for (String key : path.split("(?<!\\\\)\\.")) {
            if (!(current instanceof Map<?, ?> node)) {
                return null;
            }
            current = node.get(key.replace("\\.", "."));
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(@Nullable Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(@Nullable Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }
}
