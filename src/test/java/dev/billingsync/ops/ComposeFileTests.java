package dev.billingsync.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.TestPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml: its structure always, and its validity with Compose itself ({@code docker-compose config -q},
 * with and without the monitoring profile) where a Compose binary is installed (.ci/run installs Debian's); the
 * Prometheus configuration and alerting rules it mounts with promtool where that is installed.
 */
class ComposeFileTests {

    static final Path COMPOSE_FILE = Path.of("docker-compose.yml");

    @Test
    void composeValidatesTheFileWithAndWithoutTheMonitoringProfile() throws Exception {
        List<String> compose = composeCommand().orElse(null);
        Assumptions.assumeTrue(
                compose != null,
                "Compose validation skipped: neither docker-compose nor the docker compose plugin is installed"
                        + " (apt-get install docker-compose)");

        assertValid(compose, List.of("-f", COMPOSE_FILE.toString(), "config", "-q"));
        assertValid(compose, List.of("-f", COMPOSE_FILE.toString(), "--profile", "monitoring", "config", "-q"));
    }

    @Test
    void runsPinnedPostgresWithVolumeAndHealthcheckBeforeTheService() {
        Map<String, Object> services = map(compose().get("services"));

        Map<String, Object> postgres = map(services.get("postgres"));
        assertThat(postgres.get("image"))
                .as("pinned with the tests' PostgreSQL")
                .isEqualTo(TestPostgres.IMAGE);
        assertThat(list(postgres.get("volumes")))
                .anySatisfy(v -> assertThat((String) v).endsWith(":/var/lib/postgresql/data"));
        assertThat(map(postgres.get("healthcheck")).get("test").toString()).contains("pg_isready");

        Map<String, Object> app = map(services.get("billing-sync"));
        assertThat((String) app.get("image")).contains("ghcr.io/billing-sync/billing-sync:");
        assertThat(map(map(app.get("depends_on")).get("postgres"))).containsEntry("condition", "service_healthy");
        Map<String, Object> environment = map(app.get("environment"));
        assertThat(environment)
                .containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgres:5432/billing_sync")
                .containsEntry("MANAGEMENT_SERVER_PORT", "8081")
                .containsEntry("JAVA_TOOL_OPTIONS", "-XX:+ExitOnOutOfMemoryError")
                .containsKeys("BILLING_ATLAS_CLIENT_ID", "BILLING_ATLAS_CLIENT_SECRET", "BILLING_ORGS_0_ID");
        assertThat(environment.get("BILLING_ATLAS_CLIENT_SECRET"))
                .as("secrets are passed through from the caller's environment, never written here")
                .isNull();
        assertThat(app).containsEntry("read_only", true);
        assertThat(app.get("restart"))
                .as("an exited JVM (OutOfMemoryError) is started again")
                .isEqualTo("unless-stopped");
        assertThat(app.get("profiles")).as("the service runs without a profile").isNull();
    }

    @Test
    void monitoringProfileProvisionsPrometheusAndGrafanaWithTheChartsDashboard() {
        Map<String, Object> services = map(compose().get("services"));

        for (String name : List.of("prometheus", "grafana")) {
            Map<String, Object> service = map(services.get(name));
            assertThat(list(service.get("profiles"))).as(name).containsExactly("monitoring");
            assertThat((String) service.get("image")).as("%s pinned", name).matches(".+:v?\\d+\\.\\d+\\.\\d+");
            for (Object volume : list(service.get("volumes"))) {
                String source = ((String) volume).split(":")[0];
                if (source.startsWith("./")) {
                    assertThat(Path.of(source)).as("%s mounts %s", name, source).exists();
                }
            }
        }
        assertThat(list(map(services.get("grafana")).get("volumes")))
                .contains("./helm/billing-sync/files/dashboards:/var/lib/grafana/dashboards/billing-sync:ro");
        assertThat(list(map(services.get("prometheus")).get("volumes")))
                .contains("./helm/billing-sync/files/alerts.yml:/etc/prometheus/alerts.yml:ro");
    }

    @Test
    void prometheusConfigurationAndAlertingRulesPassPromtool(@TempDir Path temp) throws Exception {
        Path promtool = Binaries.onPath("promtool");
        Assumptions.assumeTrue(
                promtool != null, "promtool checks skipped: promtool is not installed (apt-get install prometheus)");
        Path rules = Path.of("helm/billing-sync/files/alerts.yml").toAbsolutePath();
        // The compose file mounts the rules at /etc/prometheus/alerts.yml; point a copy of the config at the source.
        Path config = temp.resolve("prometheus.yml");
        Files.writeString(
                config,
                Files.readString(Path.of("ops/prometheus/prometheus.yml"))
                        .replace("/etc/prometheus/alerts.yml", rules.toString()));

        assertValid(List.of(promtool.toString()), List.of("check", "rules", rules.toString()));
        assertValid(List.of(promtool.toString()), List.of("check", "config", config.toString()));
    }

    private static void assertValid(List<String> compose, List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>(compose);
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as("%s finished", command)
                .isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
    }

    /** docker-compose (v1, Debian's package) or the docker compose plugin, whichever answers. */
    static Optional<List<String>> composeCommand() {
        for (List<String> candidate : List.of(List.of("docker-compose"), List.of("docker", "compose"))) {
            try {
                List<String> version = new ArrayList<>(candidate);
                version.add("version");
                Process process =
                        new ProcessBuilder(version).redirectErrorStream(true).start();
                process.getInputStream().readAllBytes();
                if (process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0) {
                    return Optional.of(candidate);
                }
            } catch (IOException notInstalled) {
                // try the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static Map<String, Object> compose() {
        try {
            return new Yaml().load(Files.readString(COMPOSE_FILE));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }
}
