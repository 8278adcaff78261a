package dev.billingsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.billingsync.BillingSyncApplication;
import dev.billingsync.TestDatabaseConfiguration;
import dev.billingsync.TestPostgres;
import dev.billingsync.simulator.AtlasSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A process that dies mid-sync (kill -9, OOM, node loss) leaves a run marked running, its lock rows and its spooled
 * bodies behind. The next start must heal all of it on its own: sync those orgs at once (not at the next tick, and
 * not skipped by the startup grace), close the dead runs as abandoned, delete the dead process's spool folder.
 */
class CrashRecoveryIntegrationTests {

    static final String ORG_EXPIRED = "7b0c1a2b3c4d5e6f7a8b9c01";
    static final String ORG_STILL_LOCKED = "7b0c1a2b3c4d5e6f7a8b9c02";
    static final String DEAD = "dead-replica:1:0badc0de";

    @TempDir
    Path spool;

    @Test
    void aRestartSyncsTheOrgsOfADeadRunAtOnceAndClosesItsRunsAsAbandoned() throws Exception {
        try (AtlasSimulator atlas = AtlasSimulator.start()) {
            atlas.addServiceAccount("crash-client", "crash-secret");
            atlas.addOrg(ORG_EXPIRED, "Expired lock", 21, 20);
            atlas.addOrg(ORG_STILL_LOCKED, "Still locked", 22, 20);
            String database = "crash_" + ProcessHandle.current().pid();
            TestPostgres.Server server = TestPostgres.server();
            JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(
                    TestPostgres.sharedDatabase(database), server.user(), server.password()));

            try (ConfigurableApplicationContext first = start(atlas, database)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> succeededStartupRuns(jdbc, Instant.EPOCH) == 2);
            }

            // The first process dies in the middle of a run of each org, its spool folder still holding a body. One
            // org's lock has expired by the restart; the other's outlives the restart by a few seconds.
            for (String org : List.of(ORG_EXPIRED, ORG_STILL_LOCKED)) {
                jdbc.sql("insert into sync_runs (org_id, trigger, status, tick_at, started_at, runner)"
                                + " values (?, 'SCHEDULED', 'RUNNING', now(), now(), ?)")
                        .params(org, DEAD)
                        .update();
                atlas.org(org).addDay();
            }
            lockAs(jdbc, ORG_EXPIRED, DEAD, "- interval '1 second'");
            lockAs(jdbc, ORG_STILL_LOCKED, DEAD, "+ interval '12 seconds'");
            Path deadSpool = Files.createDirectories(spool.resolve("billing-sync-spool-4711"));
            Files.createFile(deadSpool.resolve(".owner"));
            Files.write(deadSpool.resolve("atlas-1.body"), new byte[1024]);
            Instant restart = Instant.now();

            try (ConfigurableApplicationContext second = start(
                    atlas,
                    database,
                    "billing.sync.lock-at-most-for=3s",
                    "billing.atlas.spool-directory=" + spool,
                    "billing.database.statement-timeout=2s",
                    "billing.database.socket-timeout=4s")) {
                assertThat(deadSpool).as("the dead process's spool folder").doesNotExist();

                await().atMost(Duration.ofSeconds(60)).until(() -> succeededStartupRuns(jdbc, restart) == 2);

                List<Map<String, Object>> dead = jdbc.sql(
                                "select status, error_code, finished_at from sync_runs" + " where runner = ?")
                        .param(DEAD)
                        .query()
                        .listOfRows();
                assertThat(dead).hasSize(2).allSatisfy(run -> {
                    assertThat(run.get("status")).isEqualTo("FAILED");
                    assertThat(run.get("error_code")).isEqualTo("ABANDONED");
                    assertThat(run.get("finished_at")).isNotNull();
                });
                StoredInvoiceAssertions stored = new StoredInvoiceAssertions(jdbc);
                for (String org : List.of(ORG_EXPIRED, ORG_STILL_LOCKED)) {
                    stored.assertMatches(atlas.org(org)
                            .pendingInvoicesResponse()
                            .get("results")
                            .get(0));
                }

                // Every pooled connection carries the statement timeout: a statement past it fails, it cannot hang.
                JdbcClient app = JdbcClient.create(second.getBean(DataSource.class));
                assertThat(app.sql("show statement_timeout").query(String.class).single())
                        .isEqualTo("2s");
                assertThatThrownBy(() -> app.sql("select pg_sleep(3)").query().listOfRows())
                        .hasRootCauseInstanceOf(SQLException.class)
                        .rootCause()
                        .satisfies(e ->
                                assertThat(((SQLException) e).getSQLState()).isEqualTo("57014"));
            }
        }
    }

    private static void lockAs(JdbcClient jdbc, String orgId, String owner, String untilFromNow) {
        int updated = jdbc.sql("update shedlock set locked_by = ?, locked_at = timezone('utc', now()),"
                        + " lock_until = timezone('utc', now()) " + untilFromNow + " where name = ?")
                .params(owner, OrgSyncLock.lockName(orgId))
                .update();
        assertThat(updated).as("lock row of %s", orgId).isEqualTo(1);
    }

    private static long succeededStartupRuns(JdbcClient jdbc, Instant since) {
        return jdbc.sql("select count(distinct org_id) from sync_runs where trigger = 'STARTUP'"
                        + " and status = 'SUCCEEDED' and started_at >= ?")
                .param(java.sql.Timestamp.from(since))
                .query(Long.class)
                .single();
    }

    private static ConfigurableApplicationContext start(AtlasSimulator atlas, String database, String... extra) {
        List<String> properties = new ArrayList<>(List.of(
                "billing.test.database=" + database,
                "server.port=0",
                "management.server.port=",
                // Far away: only the startup run may sync here.
                "billing.sync.cron=0 0 0 1 1 *",
                "billing.sync.run-on-startup=true",
                "billing.sync.startup-grace=10m",
                "billing.cost-explorer.enabled=false",
                "billing.atlas.base-url=" + atlas.baseUrl(),
                "billing.atlas.client-id=crash-client",
                "billing.atlas.client-secret=crash-secret",
                "billing.orgs[0].id=" + ORG_EXPIRED,
                "billing.orgs[1].id=" + ORG_STILL_LOCKED));
        properties.addAll(List.of(extra));
        return new SpringApplicationBuilder(BillingSyncApplication.class, TestDatabaseConfiguration.class)
                .properties(properties.toArray(String[]::new))
                .run();
    }
}
