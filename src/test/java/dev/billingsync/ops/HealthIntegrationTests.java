package dev.billingsync.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BillingSyncApplication;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.TestApiKey;
import dev.billingsync.TestPostgres;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.sync.ManualRun;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Liveness and readiness groups, readiness following startup (migrations included) and the database but not Atlas,
 * the sync-freshness indicator in the default group only, and details (org ids and names) only for a caller that may
 * read every org.
 */
@BillingSyncIntegrationTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "billing.cost-explorer.enabled=false",
            "billing.atlas.retry.max-attempts=2",
            "billing.atlas.retry.initial-backoff=50ms",
            "billing.atlas.retry.max-backoff=100ms",
            "billing.health.freshness.warn-after=3h",
            "billing.health.freshness.refresh-interval=200ms",
            // a database that stops answering shows as DOWN in one second, not Hikari's default thirty
            "spring.datasource.hikari.connection-timeout=1000"
        })
@TestApiKey(name = "health-reader", key = HealthIntegrationTests.READER_KEY, roles = "READ")
@TestApiKey(
        name = "one-org-reader",
        key = HealthIntegrationTests.ONE_ORG_KEY,
        roles = "READ",
        orgs = HealthIntegrationTests.FRESH_ORG)
@TestApiKey(name = "syncer", key = HealthIntegrationTests.SYNC_KEY, roles = "SYNC")
class HealthIntegrationTests {

    static final String FRESH_ORG = "8c0c1a2b3c4d5e6f7a8b9c01";
    static final String STALE_ORG = "8c0c1a2b3c4d5e6f7a8b9c02";
    static final String READER_KEY = "health-reader-key-0123456789";
    static final String ONE_ORG_KEY = "health-one-org-key-0123456789";
    static final String SYNC_KEY = "health-sync-key-0123456789";

    @AtlasUnderTest(orgs = {FRESH_ORG, STALE_ORG})
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static {
        atlas.addOrg(FRESH_ORG, "Fresh Org", 31, 5);
        atlas.addOrg(STALE_ORG, "Stale Org", 32, 5);
    }

    @DynamicPropertySource
    static void atlasProperties(DynamicPropertyRegistry registry) {
        registry.add("billing.orgs[0].name", () -> "Fresh Org");
    }

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    JdbcClient jdbc;

    @Value("${spring.datasource.url}")
    String databaseUrl;

    @BeforeEach
    void clearFaults() {
        List.of(FRESH_ORG, STALE_ORG).forEach(atlas::clearFaults);
    }

    @Test
    void readinessGroupHoldsTheDatabaseAndLivenessOnlyTheJvmState() throws IOException {
        HttpResponse<String> readiness = Http.get(port, "/actuator/health/readiness", READER_KEY);
        assertThat(readiness.statusCode()).isEqualTo(200);
        JsonNode ready = Http.json(readiness);
        assertThat(ready.get("status").asString()).isEqualTo("UP");
        assertThat(ready.get("components").propertyNames()).containsExactlyInAnyOrder("db", "readinessState");

        JsonNode live = Http.json(Http.get(port, "/actuator/health/liveness", READER_KEY));
        assertThat(live.get("status").asString()).isEqualTo("UP");
        assertThat(live.get("components").propertyNames()).containsExactly("livenessState");

        JsonNode all = Http.json(Http.get(port, "/actuator/health", READER_KEY));
        assertThat(all.get("components").propertyNames()).contains("db", "syncFreshness");
    }

    /**
     * Probes and anonymous callers get the status alone: the details name every configured org and its sync age. A
     * caller sees them only if it may read every org (READ on {@code *}); an org-limited or SYNC-only caller would
     * learn orgs it may not see (DESIGN.md §5.3), so it gets the status too.
     */
    @Test
    void anonymousCallersSeeTheStatusOnlyAndReadersOfEveryOrgTheDetails() throws IOException {
        for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
            HttpResponse<String> anonymous = Http.get(port, path);
            assertThat(anonymous.statusCode()).as(path).isEqualTo(200);
            // "groups" (the names liveness and readiness) may stay: it says nothing about orgs
            assertThat(Http.json(anonymous).propertyNames())
                    .as(path)
                    .contains("status")
                    .doesNotContain("components", "details");
            assertThat(anonymous.body()).as(path).doesNotContain(FRESH_ORG, STALE_ORG, "Fresh Org");
            for (String key : List.of(ONE_ORG_KEY, SYNC_KEY)) {
                HttpResponse<String> limited = Http.get(port, path, key);
                assertThat(limited.statusCode()).as(path).isEqualTo(200);
                assertThat(Http.json(limited).propertyNames()).as(path).doesNotContain("components", "details");
                assertThat(limited.body()).as(path).doesNotContain(STALE_ORG, "Fresh Org");
            }
        }
        HttpResponse<String> badKey = Http.get(port, "/actuator/health", "not-a-configured-key-0123456789");
        assertThat(badKey.statusCode())
                .as("a wrong key on health is refused like anywhere else")
                .isEqualTo(401);

        HttpResponse<String> reader = Http.get(port, "/actuator/health", READER_KEY);
        assertThat(reader.statusCode()).isEqualTo(200);
        JsonNode orgs = Http.json(reader).at("/components/syncFreshness/details/orgs");
        assertThat(orgs.propertyNames()).containsExactlyInAnyOrder(FRESH_ORG, STALE_ORG);
        assertThat(orgs.at("/" + FRESH_ORG + "/name").asString()).isEqualTo("Fresh Org");
    }

    @Test
    void readinessGoesDownWithTheDatabaseAndComesBackWhileLivenessStaysUp() throws Exception {
        String database =
                databaseUrl.substring(databaseUrl.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
        try {
            refuseConnections(database, true);

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                HttpResponse<String> readiness = Http.get(port, "/actuator/health/readiness");
                assertThat(readiness.statusCode()).isEqualTo(503);
                JsonNode body = Http.json(readiness);
                assertThat(body.get("status").asString()).isEqualTo("DOWN");
                assertThat(Http.json(Http.get(port, "/actuator/health/readiness", READER_KEY))
                                .at("/components/db/status")
                                .asString())
                        .isEqualTo("DOWN");
            });
            HttpResponse<String> liveness = Http.get(port, "/actuator/health/liveness");
            assertThat(liveness.statusCode())
                    .as("a database outage must not restart pods")
                    .isEqualTo(200);
        } finally {
            refuseConnections(database, false);
        }
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(
                                Http.get(port, "/actuator/health/readiness").statusCode())
                        .isEqualTo(200));
    }

    @Test
    void anAtlasOutageFailsTheRunButKeepsThePodReady() throws IOException {
        atlas.failAlways(FRESH_ORG, 503);

        ManualRun run = sync(FRESH_ORG);

        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(Http.get(port, "/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(Http.get(port, "/actuator/health/liveness").statusCode()).isEqualTo(200);
    }

    @Test
    void freshnessReportsEachOrgsAgeAndWarnsPastTheThresholdWithoutLeavingService() throws IOException {
        assertThat(sync(FRESH_ORG).status()).isEqualTo("SUCCEEDED");
        assertThat(sync(STALE_ORG).status()).isEqualTo("SUCCEEDED");
        jdbc.sql("update organizations set last_sync_succeeded_at = now() - interval '5 hours' where id = ?")
                .param(STALE_ORG)
                .update();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> health = Http.get(port, "/actuator/health", READER_KEY);
            assertThat(health.statusCode()).as("WARNING maps to 200").isEqualTo(200);
            JsonNode body = Http.json(health);
            assertThat(body.get("status").asString()).isEqualTo("WARNING");
            JsonNode freshness = body.at("/components/syncFreshness");
            assertThat(freshness.get("status").asString()).isEqualTo("WARNING");
            JsonNode details = freshness.get("details");
            assertThat(details.get("warnAfter").asString()).isEqualTo("PT3H");
            assertThat(details.get("staleOrgs").values())
                    .extracting(JsonNode::asString)
                    .containsExactly(STALE_ORG);
            JsonNode stale = details.at("/orgs/" + STALE_ORG);
            assertThat(stale.get("stale").asBoolean()).isTrue();
            assertThat(stale.get("ageSeconds").asLong()).isBetween(5 * 3600L, 5 * 3600L + 60);
            JsonNode fresh = details.at("/orgs/" + FRESH_ORG);
            assertThat(fresh.get("stale").asBoolean()).isFalse();
            assertThat(fresh.get("name").asString()).isEqualTo("Fresh Org");
            assertThat(fresh.get("ageSeconds").asLong()).isLessThan(60);
        });
        assertThat(Http.get(port, "/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(Http.get(port, "/actuator/health/liveness").statusCode()).isEqualTo(200);

        assertThat(sync(STALE_ORG).status()).isEqualTo("SUCCEEDED");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(Http.json(Http.get(port, "/actuator/health", READER_KEY))
                                .at("/components/syncFreshness/status")
                                .asString())
                        .isEqualTo("UP"));
    }

    /**
     * Flyway migrates while the context starts, before any port listens: a probe cannot succeed before the schema is
     * there. Here the migration is held until the test has looked.
     */
    @Test
    void readinessStaysDownUntilMigrationsAreApplied() throws Exception {
        String database = "readiness_" + ProcessHandle.current().pid();
        String url = TestPostgres.sharedDatabase(database);
        TestPostgres.Server server = TestPostgres.server();
        int serverPort = freePort();
        int managementPort = freePort();
        CompletableFuture<ConfigurableApplicationContext> app = CompletableFuture.supplyAsync(
                () -> new SpringApplicationBuilder(BillingSyncApplication.class, BlockingMigration.class)
                        .properties(
                                "billing.test.database=" + database,
                                "spring.datasource.url=" + url,
                                "spring.datasource.username=" + server.user(),
                                "spring.datasource.password=" + server.password(),
                                "server.port=" + serverPort,
                                "management.server.port=" + managementPort,
                                "billing.sync.enabled=false")
                        .run());
        try {
            assertThat(BlockingMigration.migrationReached.await(60, TimeUnit.SECONDS))
                    .isTrue();

            assertThat(tableExists(url, "flyway_schema_history")).isFalse();
            assertThatThrownBy(() -> Http.get(managementPort, "/actuator/health/readiness"))
                    .as("nothing answers the readiness probe while migrating")
                    .isInstanceOf(ConnectException.class);

            BlockingMigration.migrationReleased.countDown();

            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptionsInstanceOf(ConnectException.class)
                    .untilAsserted(() -> {
                        HttpResponse<String> readiness = Http.get(managementPort, "/actuator/health/readiness");
                        assertThat(readiness.statusCode()).isEqualTo(200);
                        assertThat(Http.json(readiness).get("status").asString())
                                .isEqualTo("UP");
                    });
            assertThat(tableExists(url, "flyway_schema_history")).isTrue();
            assertThat(tableExists(url, "sync_runs")).isTrue();
        } finally {
            BlockingMigration.migrationReleased.countDown();
            app.get(60, TimeUnit.SECONDS).close();
        }
    }

    private ManualRun sync(String orgId) {
        return ManualRun.of(context, orgId);
    }

    /** Makes PostgreSQL refuse (or accept again) connections to {@code database}, closing the open ones. */
    private static void refuseConnections(String database, boolean refuse) throws SQLException {
        TestPostgres.Server server = TestPostgres.server();
        try (Connection admin = DriverManager.getConnection(server.adminUrl(), server.user(), server.password());
                var statement = admin.createStatement()) {
            statement.execute("alter database \"" + database + "\" with allow_connections " + !refuse);
            if (refuse) {
                statement.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + database
                        + "' and pid <> pg_backend_pid()");
            }
        }
    }

    private static boolean tableExists(String url, String table) throws SQLException {
        TestPostgres.Server server = TestPostgres.server();
        try (Connection connection = DriverManager.getConnection(url, server.user(), server.password());
                var query = connection.prepareStatement("select to_regclass(?) is not null")) {
            query.setString(1, "public." + table);
            var result = query.executeQuery();
            result.next();
            return result.getBoolean(1);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
