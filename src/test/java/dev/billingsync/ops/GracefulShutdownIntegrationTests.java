package dev.billingsync.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billingsync.BillingSyncApplication;
import dev.billingsync.TestDatabaseConfiguration;
import dev.billingsync.TestPostgres;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.simulator.Fault;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A replica stopped (SIGTERM: the context closes) while it syncs an org lets the sync finish within the shutdown
 * grace, commits the whole invoice, records the run and releases the org's lock, so another replica can take the org
 * at once.
 */
class GracefulShutdownIntegrationTests {

    static final String ORG = "ae0c1a2b3c4d5e6f7a8b9c01";

    @Test
    void stoppingMidSyncFinishesTheRunAndReleasesTheOrgsLock() {
        try (AtlasSimulator atlas = AtlasSimulator.start()) {
            atlas.addServiceAccount("shutdown-client", "shutdown-secret");
            atlas.addOrg(ORG, "Shutdown Org", 51, 20);
            // The pending invoices arrive only after the stop has begun.
            atlas.enqueueFault(ORG, Fault.delay(Duration.ofSeconds(3)));
            String database = "shutdown_" + ProcessHandle.current().pid();
            TestPostgres.Server server = TestPostgres.server();
            DataSource dataSource = new DriverManagerDataSource(
                    TestPostgres.sharedDatabase(database), server.user(), server.password());
            JdbcClient jdbc = JdbcClient.create(dataSource);

            ConfigurableApplicationContext replica = start(atlas, database);
            try {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> status(jdbc).filter("RUNNING"::equals).isPresent());
            } finally {
                replica.close(); // what SIGTERM does; returns once the application has shut down
            }

            assertThat(status(jdbc)).as("the in-flight run finished").contains("SUCCEEDED");
            int lineItems = atlas.org(ORG)
                    .pendingInvoicesResponse()
                    .get("results")
                    .get(0)
                    .get("lineItems")
                    .size();
            assertThat(jdbc.sql("select count(*) from line_items li join invoices i on i.id = li.invoice_id"
                                    + " where i.org_id = ? and i.is_pending")
                            .param(ORG)
                            .query(Integer.class)
                            .single())
                    .as("the whole invoice was committed")
                    .isEqualTo(lineItems);

            JdbcTemplateLockProvider nextReplica =
                    new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                            .withJdbcTemplate(new JdbcTemplate(dataSource))
                            .usingDbTime()
                            .build());
            Optional<SimpleLock> lock = nextReplica.lock(new LockConfiguration(
                    Clock.systemUTC().instant(), "sync-org-" + ORG, Duration.ofMinutes(2), Duration.ZERO));
            assertThat(lock)
                    .as("the org's lock was released: the next replica takes the org at once")
                    .isPresent();
            lock.get().unlock();
        }
    }

    private static Optional<String> status(JdbcClient jdbc) {
        return jdbc.sql("select status from sync_runs where org_id = ? order by id desc limit 1")
                .param(ORG)
                .query(String.class)
                .optional();
    }

    private static ConfigurableApplicationContext start(AtlasSimulator atlas, String database) {
        return new SpringApplicationBuilder(BillingSyncApplication.class, TestDatabaseConfiguration.class)
                .properties(
                        "billing.test.database=" + database,
                        "server.port=0",
                        "management.server.port=",
                        "billing.sync.run-on-startup=true",
                        "billing.sync.cron=0 0 0 1 1 *",
                        "billing.cost-explorer.enabled=false",
                        // The pending write is what is in flight here; history fetches stop at shutdown by design.
                        "billing.sync.history-months=0",
                        "billing.atlas.base-url=" + atlas.baseUrl(),
                        "billing.atlas.client-id=shutdown-client",
                        "billing.atlas.client-secret=shutdown-secret",
                        "billing.orgs[0].id=" + ORG)
                .run();
    }
}
