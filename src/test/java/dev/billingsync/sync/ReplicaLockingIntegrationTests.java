package dev.billingsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billingsync.BillingSyncApplication;
import dev.billingsync.TestDatabaseConfiguration;
import dev.billingsync.TestPostgres;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.simulator.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Two replicas on one database: each org is synced once per schedule tick, never by both at once. */
class ReplicaLockingIntegrationTests {

    static final List<String> ORGS = List.of(
            "6a0c1a2b3c4d5e6f7a8b9c01",
            "6a0c1a2b3c4d5e6f7a8b9c02",
            "6a0c1a2b3c4d5e6f7a8b9c03",
            "6a0c1a2b3c4d5e6f7a8b9c04");

    @Test
    void replicasSyncEachOrgOncePerTickAndNeverConcurrently() {
        try (AtlasSimulator atlas = AtlasSimulator.start()) {
            atlas.addServiceAccount("replica-client", "replica-secret");
            for (int i = 0; i < ORGS.size(); i++) {
                atlas.addOrg(ORGS.get(i), "Org " + i, 10 + i, 30);
            }
            String database = "replicas_" + ProcessHandle.current().pid();
            List<ConfigurableApplicationContext> replicas = new ArrayList<>();
            try {
                replicas.add(start(atlas, database));
                replicas.add(start(atlas, database));
                TestPostgres.Server server = TestPostgres.server();
                JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(
                        TestPostgres.sharedDatabase(database), server.user(), server.password()));

                await().atMost(Duration.ofSeconds(60)).until(() -> finishedTicks(jdbc) >= 3);
                // stop scheduling before judging, so no run is mid-flight
                replicas.forEach(ConfigurableApplicationContext::close);

                List<Map<String, Object>> runs = jdbc.sql(
                                "select org_id, tick_at, status, runner from sync_runs order by started_at")
                        .query()
                        .listOfRows();
                Map<String, Long> perOrgAndTick = runs.stream()
                        .collect(Collectors.groupingBy(
                                r -> r.get("org_id") + "@" + r.get("tick_at"), Collectors.counting()));
                assertThat(perOrgAndTick.values()).as("runs per org and tick").allMatch(n -> n == 1);
                assertThat(runs).extracting(r -> r.get("status")).containsOnly("SUCCEEDED");

                for (String org : ORGS) {
                    List<RecordedRequest> calls = atlas.requests().stream()
                            .filter(r -> org.equals(r.orgId()))
                            .sorted((a, b) -> a.receivedAt().compareTo(b.receivedAt()))
                            .toList();
                    for (int i = 1; i < calls.size(); i++) {
                        Instant previousEnd = calls.get(i - 1).completedAt();
                        assertThat(calls.get(i).receivedAt())
                                .as("calls for org %s never overlap", org)
                                .isAfterOrEqualTo(previousEnd);
                    }
                    long pendingCalls = calls.stream()
                            .filter(r -> r.path().endsWith("/invoices/pending"))
                            .count();
                    long orgRuns = runs.stream()
                            .filter(r -> org.equals(r.get("org_id")))
                            .count();
                    assertThat(pendingCalls)
                            .as("one pending fetch per run of %s", org)
                            .isEqualTo(orgRuns);
                }
            } finally {
                replicas.forEach(ConfigurableApplicationContext::close);
            }
        }
    }

    private static long finishedTicks(JdbcClient jdbc) {
        return jdbc.sql("select count(*) from (select tick_at from sync_runs where status <> 'RUNNING'"
                        + " group by tick_at having count(*) = ?) t")
                .param(ORGS.size())
                .query(Long.class)
                .single();
    }

    private static ConfigurableApplicationContext start(AtlasSimulator atlas, String database) {
        List<String> properties = new ArrayList<>(List.of(
                "billing.test.database=" + database,
                "server.port=0",
                "management.server.port=",
                "billing.sync.cron=*/3 * * * * *",
                "billing.sync.run-on-startup=false",
                "billing.cost-explorer.enabled=false",
                "billing.atlas.base-url=" + atlas.baseUrl(),
                "billing.atlas.client-id=replica-client",
                "billing.atlas.client-secret=replica-secret"));
        for (int i = 0; i < ORGS.size(); i++) {
            properties.add("billing.orgs[" + i + "].id=" + ORGS.get(i));
        }
        return new SpringApplicationBuilder(BillingSyncApplication.class, TestDatabaseConfiguration.class)
                .properties(properties.toArray(String[]::new))
                .run();
    }
}
