package dev.billingsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.atlas.OpenApiSchemaCheck;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.simulator.CostExplorerRow;
import dev.billingsync.simulator.NotReadyForm;
import dev.billingsync.simulator.RecordedRequest;
import dev.billingsync.simulator.SimulatedCostExplorer;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Cost Explorer through the whole sync against the simulator: every "not ready" wire form of HTTP 102, poll spacing,
 * the deadline, a forgotten token, and idempotent re-runs.
 */
@BillingSyncIntegrationTest(
        properties = {
            "billing.cost-explorer.poll-interval=5s",
            "billing.cost-explorer.max-poll-interval=6s",
            "billing.cost-explorer.deadline=14s",
            "billing.atlas.timeouts.poll=1s"
        })
class CostExplorerSyncIntegrationTests {

    static final String ORG = "ae0c1a2b3c4d5e6f7a8b9c01";
    static final Duration MIN_POLL_SPACING = Duration.ofSeconds(5);

    @AtlasUnderTest
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static {
        atlas.addOrg(ORG, "Cost Org", 31, 8);
    }

    @Autowired
    OrgSync orgSync;

    @Autowired
    OrgCredentials orgs;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    SimulatedCostExplorer costExplorer;

    @BeforeEach
    void reset() {
        costExplorer = atlas.org(ORG).costExplorer().notReadyPolls(1).notReadyForm(NotReadyForm.FINAL_102);
    }

    /** The three forms Atlas may use, plus a 102 followed by the real 200 on the same connection (the stale trap). */
    @ParameterizedTest
    @EnumSource(names = {"FINAL_102", "INTERIM_102_THEN_SILENCE", "INTERIM_102_THEN_CLOSE", "INTERIM_102_THEN_RESULT"})
    void everyNotReadyWireFormEndsWithTheExactUsageRows(NotReadyForm form) {
        costExplorer.notReadyPolls(1).notReadyForm(form);

        SyncRun run = sync();

        assertThat(run.status()).isEqualTo(SyncRun.Status.SUCCEEDED);
        String token = lastToken();
        assertThat(costExplorer.pollTimes(token)).hasSize(2);
        assertPollSpacing(token);
        assertStoredUsageEquals(costExplorer.resultRows(token));
        Map<String, Object> query = lastQuery();
        assertThat(query.get("state")).isEqualTo("READY");
        assertThat(query.get("polls")).isEqualTo(2);
        assertThat(jdbc.sql("select jsonb_typeof(request) from cost_explorer_queries where id = ?")
                        .param(query.get("id"))
                        .query(String.class)
                        .single())
                .as("the request is stored as the JSON object sent, not as a JSON string")
                .isEqualTo("object");
        assertThat(jdbc.sql("select request = cast(? as jsonb) from cost_explorer_queries where id = ?")
                        .param(costExplorer.requestBody(token))
                        .param(query.get("id"))
                        .query(Boolean.class)
                        .single())
                .as("the stored request is the body Atlas received")
                .isTrue();
    }

    @Test
    void aQueryThatNeverGetsReadyTimesOutWhileInvoicesStillSyncAndOldUsageStays() {
        sync();
        Map<String, String> before = usageRowVersions();
        atlas.org(ORG).addDay();
        costExplorer.neverReady();

        SyncRun run = sync();

        assertThat(run.status()).isEqualTo(SyncRun.Status.PARTIAL);
        assertThat(run.errorCode()).isEqualTo("COST_EXPLORER_TIMED_OUT");
        assertThat(run.invoicesWritten()).isEqualTo(1);
        assertThat(lastQuery().get("state")).isEqualTo("TIMED_OUT");
        assertPollSpacing(lastToken());
        assertThat(usageRowVersions()).isEqualTo(before).isNotEmpty();
    }

    @Test
    void aForgottenTokenRecreatesTheQueryOnceAndSucceeds() throws Exception {
        costExplorer.notReadyPolls(3);
        int tokensBefore = costExplorer.tokens().size();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            var running = executor.submit(this::sync);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> costExplorer.tokens().size() > tokensBefore
                            && !costExplorer
                                    .pollTimes(costExplorer.tokens().get(tokensBefore))
                                    .isEmpty());
            costExplorer.expireTokens();
            costExplorer.notReadyPolls(0);

            SyncRun run = running.get();

            assertThat(run.status()).isEqualTo(SyncRun.Status.SUCCEEDED);
            assertThat(costExplorer.tokens()).hasSize(tokensBefore + 2);
            assertThat(lastQuery().get("recreated")).isEqualTo(1);
            assertStoredUsageEquals(costExplorer.resultRows(lastToken()));
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void reRunningWithUnchangedResultsRewritesNoUsageRow() {
        costExplorer.notReadyPolls(0);
        sync();
        Map<String, String> before = usageRowVersions();

        SyncRun again = sync();

        assertThat(again.status()).isEqualTo(SyncRun.Status.SUCCEEDED);
        assertThat(again.usageRowsWritten()).isZero();
        assertThat(usageRowVersions()).isEqualTo(before).isNotEmpty();
    }

    @Test
    void recordsPollsDurationAndOutcomeOfEveryQuery() {
        costExplorer.notReadyPolls(1);
        double before = readyQueries();
        sync();
        assertThat(readyQueries()).isEqualTo(before + 1);
        assertThat(meters.find("billing.costexplorer.query.polls").summary())
                .isNotNull()
                .satisfies(polls -> assertThat(polls.max()).isGreaterThanOrEqualTo(2));
        assertThat(meters.find("billing.costexplorer.query.duration")
                        .tag("outcome", "READY")
                        .timer())
                .isNotNull()
                .satisfies(timer -> assertThat(timer.count()).isPositive());
    }

    private double readyQueries() {
        var counter = meters.find("billing.costexplorer.queries")
                .tag("outcome", "READY")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void sendsAValidQueryForTheTrailingMonths() throws Exception {
        costExplorer.notReadyPolls(0);
        sync();
        var query = costExplorer.query(lastToken());
        assertThat(query.startDate().getDayOfMonth()).isEqualTo(1);
        assertThat(query.endDate()).isEqualTo(query.startDate().plusMonths(3));
        assertThat(query.organizations()).containsExactly(ORG);
        assertThat(query.groupBy()).isEqualTo("services");
        assertThat(query.services()).containsExactlyElementsOf(SimulatedCostExplorer.services());
        List<RecordedRequest> posts = atlas.requests().stream()
                .filter(r -> r.method().equals("POST") && r.path().endsWith("/costExplorer/usage"))
                .toList();
        assertThat(posts)
                .isNotEmpty()
                .allSatisfy(post ->
                        assertThat(post.header("content-type")).isEqualTo("application/vnd.atlas.2023-01-01+json"));

        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.file.Files.exists(OpenApiSchemaCheck.SPEC),
                "Atlas OpenAPI spec not found at " + OpenApiSchemaCheck.SPEC.toAbsolutePath()
                        + ": schema check of the request body skipped");
        var schema = OpenApiSchemaCheck.load(OpenApiSchemaCheck.SPEC, "CostExplorerFilterRequestBody");
        for (String token : costExplorer.tokens()) {
            var body =
                    tools.jackson.databind.json.JsonMapper.builder().build().readTree(costExplorer.requestBody(token));
            assertThat(OpenApiSchemaCheck.violations(schema, body))
                    .as("%s", body)
                    .isEmpty();
        }
    }

    private SyncRun sync() {
        return orgSync.run(orgs.all().get(0), SyncRun.Trigger.MANUAL, null).orElseThrow();
    }

    private String lastToken() {
        List<String> tokens = costExplorer.tokens();
        return tokens.get(tokens.size() - 1);
    }

    private Map<String, Object> lastQuery() {
        return jdbc.sql("select * from cost_explorer_queries where org_id = ? order by id desc limit 1")
                .param(ORG)
                .query()
                .singleRow();
    }

    private void assertPollSpacing(String token) {
        List<Instant> polls = costExplorer.pollTimes(token);
        for (int i = 1; i < polls.size(); i++) {
            assertThat(Duration.between(polls.get(i - 1), polls.get(i)))
                    .as("spacing between polls %d and %d", i, i + 1)
                    .isGreaterThanOrEqualTo(MIN_POLL_SPACING);
        }
    }

    /** The stored services usage equals the rows Atlas returned, amounts exact to the digit. */
    private void assertStoredUsageEquals(List<CostExplorerRow> expected) {
        List<String> stored = jdbc.sql("""
                select usage_date, dimension_id, dimension_name, invoice_id, service, usage_amount
                from cost_usage where org_id = ? and group_by = 'services' order by usage_date, position
                """)
                .param(ORG)
                .query((rs, n) -> String.join(
                        "|",
                        rs.getDate(1).toLocalDate().toString(),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getBigDecimal(6).toString()))
                .list();
        List<String> upstream = expected.stream()
                .sorted((a, b) -> a.usageDate().compareTo(b.usageDate()))
                .map(r -> String.join(
                        "|",
                        r.usageDate().toString(),
                        r.service(),
                        r.service(),
                        r.invoiceId(),
                        r.service(),
                        exact(r.usageAmount())))
                .toList();
        assertThat(stored).containsExactlyElementsOf(upstream);
    }

    private static String exact(BigDecimal amount) {
        return amount.toString();
    }

    private Map<String, String> usageRowVersions() {
        return jdbc
                .sql("select usage_date || ':' || position as k, xmin::text as v from cost_usage where org_id = ?")
                .param(ORG)
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getString(2)))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
