package dev.billingsync.sync;

import dev.billingsync.orgs.ConfiguredOrgs;
import dev.billingsync.orgs.Org;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * The sync's Micrometer meters, tagged by org id (bounded: only configured orgs). Runs, their duration and the rows
 * they wrote are counted by the replica that ran them (sum them over replicas); the last-success timestamp comes from
 * the database, so every replica reports the same value for every org (take the max over replicas).
 *
 * <p>In Prometheus: {@code billing_sync_runs_total{org,trigger,status}},
 * {@code billing_sync_run_duration_seconds{org,status}}, {@code billing_sync_rows_written_total{org,kind}} and
 * {@code billing_sync_last_success_timestamp_seconds{org}} (0 while the org never synced successfully). Per round
 * (scheduled tick or startup) of this replica: {@code billing_sync_round_orgs{state}} (the latest round's orgs:
 * {@code due}, {@code started}, {@code skipped_locked}, {@code skipped_not_due}, {@code succeeded}, {@code partial},
 * {@code failed}), {@code billing_sync_round_last_duration_seconds} and {@code billing_sync_round_duration_seconds}
 * (a timer by trigger).
 */
@Component
public class SyncMetrics {

    static final String RUNS = "billing.sync.runs";
    static final String RUN_DURATION = "billing.sync.run.duration";
    static final String ROWS_WRITTEN = "billing.sync.rows.written";
    static final String LAST_SUCCESS = "billing.sync.last.success.timestamp";
    static final String ROUND_ORGS = "billing.sync.round.orgs";
    static final String ROUND_DURATION = "billing.sync.round.duration";
    static final String ROUND_LAST_DURATION = "billing.sync.round.last.duration";

    /** The orgs of this replica's latest round, by what became of them. */
    private final Map<String, AtomicLong> lastRound = new LinkedHashMap<>();

    private final AtomicLong lastRoundMillis = new AtomicLong();

    private final MeterRegistry registry;
    private final SyncFreshness freshness;

    SyncMetrics(MeterRegistry registry, ConfiguredOrgs orgs, SyncFreshness freshness) {
        this.registry = registry;
        this.freshness = freshness;
        for (String state :
                List.of("due", "started", "skipped_locked", "skipped_not_due", "succeeded", "partial", "failed")) {
            AtomicLong value = new AtomicLong();
            lastRound.put(state, value);
            Gauge.builder(ROUND_ORGS, value, AtomicLong::get)
                    .description("Orgs of this replica's latest sync round: due (in the round), started, skipped"
                            + " because another replica held the lock or because they were not due, and how the started"
                            + " runs ended")
                    .tag("state", state)
                    .strongReference(true)
                    .register(registry);
        }
        Gauge.builder(ROUND_LAST_DURATION, lastRoundMillis, millis -> millis.get() / 1000.0)
                .description("Duration of this replica's latest sync round")
                .baseUnit("seconds")
                .strongReference(true)
                .register(registry);
        for (Org org : orgs.all()) {
            Gauge.builder(LAST_SUCCESS, freshness, f -> f.lastSuccessEpochSeconds(org.id()))
                    .description("When the org last synced successfully (any replica), in seconds since the epoch;"
                            + " 0 if it never did")
                    .baseUnit("seconds")
                    .tag("org", org.id())
                    .strongReference(true)
                    .register(registry);
        }
    }

    /** Records a scheduled or startup round that ended on this replica. */
    void roundFinished(SyncRun.Trigger trigger, SyncSchedule.Round round) {
        lastRound.get("due").set(round.due());
        lastRound.get("started").set(round.started());
        lastRound.get("skipped_locked").set(round.skippedLocked());
        lastRound.get("skipped_not_due").set(round.skippedNotDue());
        lastRound.get("succeeded").set(round.succeeded());
        lastRound.get("partial").set(round.partial());
        lastRound.get("failed").set(round.failed());
        lastRoundMillis.set(round.duration().toMillis());
        Timer.builder(ROUND_DURATION)
                .description(
                        "Duration of sync rounds on this replica, from the first org started to the last run ended")
                .tag("trigger", trigger.name())
                .register(registry)
                .record(round.duration());
    }

    /** Records a run that ended (succeeded, partial or failed) on this replica. */
    public void runFinished(SyncRun run) {
        String org = run.orgId();
        String status = run.status().name();
        Counter.builder(RUNS)
                .description("Sync runs that ended on this replica, by org, trigger and final status")
                .tag("org", org)
                .tag("trigger", run.trigger().name())
                .tag("status", status)
                .register(registry)
                .increment();
        Instant finished = run.finishedAt();
        if (finished != null) {
            Timer.builder(RUN_DURATION)
                    .description("Duration of sync runs, from start to recorded end, by org and final status")
                    .tag("org", org)
                    .tag("status", status)
                    .register(registry)
                    .record(Duration.between(run.startedAt(), finished));
        }
        rowsWritten(org, "invoices", run.invoicesWritten());
        rowsWritten(org, "line_items", run.lineItemsWritten());
        rowsWritten(org, "usage_rows", run.usageRowsWritten());
        freshness.refreshSoon();
    }

    private void rowsWritten(String org, String kind, long rows) {
        Counter.builder(ROWS_WRITTEN)
                .description("Rows inserted or replaced by sync runs (unchanged data writes none), by org and kind")
                .tag("org", org)
                .tag("kind", kind)
                .register(registry)
                .increment(rows);
    }
}
