package dev.billingsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BenchSummary;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.simulator.NotReadyForm;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * DESIGN.md §8 "Many orgs": 60 simulated orgs, each with a 1,000-line pending invoice and a Cost Explorer query that
 * answers two 102s before its result, synced in one scheduled round by one replica with the default settings
 * (parallelism 4, 5 s minimum poll spacing). Prints the round time, the slowest single org's run time, their ratio
 * (target: at most 3) and whether any 429 occurred (target: none). Not part of {@code ./mvnw verify}; run it with
 * {@code ./mvnw -B -ntp -Pbench verify -Dit.test=ManyOrgsBenchmark}.
 */
@BillingSyncIntegrationTest
class ManyOrgsBenchmark {

    static final int ORGS = 60;

    @AtlasUnderTest(clientId = "bench-client", clientSecret = "bench-secret")
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static final List<String> orgIds = new ArrayList<>();

    static {
        for (int i = 0; i < ORGS; i++) {
            String id = String.format("be0c1a2b3c4d5e6f7a8b%04x", i);
            orgIds.add(id);
            // 20 usage days of 50 lines: a 1,000-line pending invoice
            atlas.addOrg(id, "Bench " + i, 1000 + i, 50, 20)
                    .costExplorer()
                    .notReadyPolls(2)
                    .notReadyForm(NotReadyForm.FINAL_102);
        }
    }

    @Autowired
    SyncSchedule schedule;

    @Autowired
    SyncProperties syncProperties;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aRoundOfSixtyOrgsTakesAtMostThreeTimesTheSlowestOrg() {
        Instant tick = Instant.parse("2026-03-01T01:00:00Z");
        long start = System.nanoTime();

        SyncSchedule.Round round = schedule.runTick(tick);

        Duration roundTime = Duration.ofNanos(System.nanoTime() - start);
        List<Duration> runs = jdbc.sql("select started_at, finished_at from sync_runs where tick_at = ?")
                .param(Timestamp.from(tick))
                .query((rs, n) -> Duration.between(
                        rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant()))
                .list();
        Duration slowest = runs.stream().max(Duration::compareTo).orElseThrow();
        Duration sum = runs.stream().reduce(Duration.ZERO, Duration::plus);
        long lineItems = jdbc.sql("select count(*) from line_items li join invoices i on i.id = li.invoice_id"
                        + " where i.org_id like 'be0c1a2b3c4d5e6f7a8b%'")
                .query(Long.class)
                .single();
        long tooManyRequests =
                atlas.requests().stream().filter(r -> r.status() == 429).count();
        double ratio = roundTime.toMillis() / (double) slowest.toMillis();
        System.out.printf(
                """

                === Many orgs benchmark (DESIGN §8) ===
                orgs: %d (1,000-line pending invoices, Cost Explorer: two 102s), parallelism: %d, one replica
                runs: %d started, %d succeeded, %d partial, %d failed; line items stored: %d
                round time:        %.1f s
                slowest org run:   %.1f s
                ratio:             %.2f (target <= 3)
                sum of org runs:   %.1f s (what one org after the other would wait)
                429 responses:     %d (%s)
                ======================================

                """,
                ORGS,
                syncProperties.parallelism(),
                round.started(),
                round.succeeded(),
                round.partial(),
                round.failed(),
                lineItems,
                roundTime.toMillis() / 1000.0,
                slowest.toMillis() / 1000.0,
                ratio,
                sum.toMillis() / 1000.0,
                tooManyRequests,
                tooManyRequests == 0 ? "none" : "SOME");

        BenchSummary.ratio(
                "ManyOrgs",
                ORGS + " orgs: round / slowest org run",
                ratio,
                "<= 3",
                ratio <= 3.0 && tooManyRequests == 0,
                String.format(
                        Locale.ROOT,
                        "round %.1f s, slowest org %.1f s, %d of %d succeeded, 429s: %d",
                        roundTime.toMillis() / 1000.0,
                        slowest.toMillis() / 1000.0,
                        round.succeeded(),
                        ORGS,
                        tooManyRequests));
        assertThat(round.succeeded()).isEqualTo(ORGS);
        assertThat(ratio).isLessThanOrEqualTo(3.0);
        assertThat(tooManyRequests).isZero();
    }
}
