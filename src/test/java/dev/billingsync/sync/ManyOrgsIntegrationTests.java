package dev.billingsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.simulator.CostExplorerRow;
import dev.billingsync.simulator.Fault;
import dev.billingsync.simulator.NotReadyForm;
import dev.billingsync.simulator.RecordedRequest;
import dev.billingsync.simulator.SimulatedCostExplorer;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Many orgs on one replica (DESIGN §6.1, issue 10): 20 orgs whose Cost Explorer answers two 102s each, synced 4 at a
 * time, in one round about as long as the slowest org; a slow org that does not hold up the others; and the Atlas
 * requests of an unchanged org when Cost Explorer is not due. The rounds build on each other (ordered).
 */
@BillingSyncIntegrationTest(
        properties = {
            "billing.sync.parallelism=4",
            "billing.cost-explorer.poll-interval=5s",
            "billing.cost-explorer.max-poll-interval=8s",
            "billing.cost-explorer.deadline=2m",
            "billing.atlas.timeouts.poll=1s"
        })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManyOrgsIntegrationTests {

    private static final Logger log = LoggerFactory.getLogger(ManyOrgsIntegrationTests.class);

    static final int ORGS = 20;
    static final Duration MIN_POLL_SPACING = Duration.ofSeconds(5);

    @AtlasUnderTest
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static final List<String> orgIds = new ArrayList<>();

    static {
        for (int i = 0; i < ORGS; i++) {
            String id = String.format("ad0c1a2b3c4d5e6f7a8b%04x", i);
            orgIds.add(id);
            atlas.addOrg(id, "Many " + i, 100 + i, 3, 2)
                    .costExplorer()
                    .notReadyPolls(2)
                    .notReadyForm(NotReadyForm.FINAL_102);
        }
    }

    @Autowired
    SyncSchedule schedule;

    @Autowired
    JdbcClient jdbc;

    /** One run of the round: org, status, duration, Atlas requests, when it ended. */
    record RunRow(String orgId, String status, Instant startedAt, Instant finishedAt, int atlasRequests) {
        Duration duration() {
            return Duration.between(startedAt, finishedAt);
        }
    }

    @Test
    @Order(1)
    void twentyOrgsSyncInARoundOfAtMostThreeTimesTheSlowestOrg() {
        Instant tick = Instant.parse("2026-01-01T01:00:00Z");
        long start = System.nanoTime();

        SyncSchedule.Round round = schedule.runTick(tick);

        Duration roundTime = Duration.ofNanos(System.nanoTime() - start);
        List<RunRow> runs = runs(tick);
        assertThat(runs)
                .hasSize(ORGS)
                .allSatisfy(run -> assertThat(run.status()).isEqualTo("SUCCEEDED"));
        Duration slowest =
                runs.stream().map(RunRow::duration).max(Duration::compareTo).orElseThrow();
        Duration sequential = runs.stream().map(RunRow::duration).reduce(Duration.ZERO, Duration::plus);
        log.info(
                "Many orgs: round of {} orgs took {}, slowest org {}, ratio {}, sum of the runs {}",
                ORGS,
                roundTime,
                slowest,
                String.format("%.2f", roundTime.toMillis() / (double) slowest.toMillis()),
                sequential);
        assertThat(roundTime).isLessThanOrEqualTo(slowest.multipliedBy(3));
        assertThat(round.started()).isEqualTo(ORGS);
        assertThat(round.succeeded()).isEqualTo(ORGS);
        assertThat(round.due()).isEqualTo(ORGS);

        for (String orgId : orgIds) {
            SimulatedCostExplorer costExplorer = atlas.org(orgId).costExplorer();
            List<String> tokens = costExplorer.tokens();
            assertThat(tokens).as("one query of org %s", orgId).hasSize(1);
            List<Instant> polls = costExplorer.pollTimes(tokens.get(0));
            assertThat(polls).as("two 102s, then the result").hasSize(3);
            for (int i = 1; i < polls.size(); i++) {
                assertThat(Duration.between(polls.get(i - 1), polls.get(i)))
                        .as("org %s, spacing of polls %d and %d", orgId, i, i + 1)
                        .isGreaterThanOrEqualTo(MIN_POLL_SPACING);
            }
            assertStoredUsageEquals(orgId, costExplorer.resultRows(tokens.get(0)));
        }
        assertThat(atlas.requests()).noneMatch(r -> r.status() == 429);
    }

    @Test
    @Order(2)
    void aSlowOrgDoesNotDelayTheOthers() {
        String slow = orgIds.get(0);
        atlas.enqueueFault(slow, Fault.delay(Duration.ofSeconds(30)));
        Instant tick = Instant.parse("2026-01-01T02:00:00Z");
        Instant roundStart = Instant.now();

        schedule.runTick(tick);

        Map<String, RunRow> runs = runs(tick).stream().collect(Collectors.toMap(RunRow::orgId, r -> r));
        assertThat(runs).hasSize(ORGS);
        RunRow slowRun = runs.get(slow);
        assertThat(slowRun.duration()).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
        Instant othersDone = runs.values().stream()
                .filter(run -> !run.orgId().equals(slow))
                .map(RunRow::finishedAt)
                .max(Instant::compareTo)
                .orElseThrow();
        log.info(
                "Slow org: the others were done {} after the round started, the slow org {} after",
                Duration.between(roundStart, othersDone),
                Duration.between(roundStart, slowRun.finishedAt()));
        assertThat(Duration.between(roundStart, othersDone)).isLessThan(Duration.ofSeconds(20));
        assertThat(othersDone).isBefore(slowRun.finishedAt().minusSeconds(10));
    }

    @Test
    @Order(3)
    void anUnchangedOrgsScheduledRunCostsAtMostTwoAtlasRequestsWhenCostExplorerIsNotDue() {
        Instant tick = Instant.parse("2026-01-01T03:00:00Z");
        Instant roundStart = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        schedule.runTick(tick);

        List<RunRow> runs = runs(tick);
        assertThat(runs).hasSize(ORGS).allSatisfy(run -> {
            assertThat(run.status()).isEqualTo("SUCCEEDED");
            assertThat(run.atlasRequests()).isLessThanOrEqualTo(2);
        });
        Map<String, Long> requestsPerOrg = atlas.requests().stream()
                .filter(r -> !r.receivedAt().isBefore(roundStart) && r.orgId() != null)
                .collect(Collectors.groupingBy(RecordedRequest::orgId, Collectors.counting()));
        assertThat(requestsPerOrg)
                .hasSize(ORGS)
                .allSatisfy((org, count) ->
                        assertThat(count).as("Atlas requests of org %s", org).isLessThanOrEqualTo(2));
        assertThat(atlas.requests())
                .filteredOn(r -> !r.receivedAt().isBefore(roundStart))
                .noneMatch(r -> r.path().contains("costExplorer"));
    }

    private List<RunRow> runs(Instant tick) {
        return jdbc.sql("""
                select org_id, status, started_at, finished_at, atlas_requests from sync_runs
                where tick_at = ? order by org_id
                """)
                .param(Timestamp.from(tick))
                .query((rs, n) -> new RunRow(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getTimestamp(3).toInstant(),
                        rs.getTimestamp(4).toInstant(),
                        rs.getInt(5)))
                .list();
    }

    /** The stored services usage of the org equals the rows Atlas returned, amounts exact to the digit. */
    private void assertStoredUsageEquals(String orgId, List<CostExplorerRow> expected) {
        List<String> stored = jdbc.sql("""
                select usage_date, dimension_id, invoice_id, service, usage_amount
                from cost_usage where org_id = ? and group_by = 'services' order by usage_date, position
                """)
                .param(orgId)
                .query((rs, n) -> String.join(
                        "|",
                        rs.getDate(1).toLocalDate().toString(),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getBigDecimal(5).toString()))
                .list();
        List<String> upstream = expected.stream()
                .sorted((a, b) -> a.usageDate().compareTo(b.usageDate()))
                .map(r -> String.join(
                        "|",
                        r.usageDate().toString(),
                        r.service(),
                        r.invoiceId(),
                        r.service(),
                        r.usageAmount().toString()))
                .toList();
        assertThat(stored).as("usage of org %s", orgId).isNotEmpty().containsExactlyElementsOf(upstream);
    }
}
