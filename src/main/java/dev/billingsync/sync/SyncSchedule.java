package dev.billingsync.sync;

import dev.billingsync.orgs.InvalidConfigurationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;

/**
 * Runs every org for a schedule tick or at startup, up to {@code billing.sync.parallelism} at once on the sync workers
 * ({@link SyncWorkers}). Each replica walks the orgs in its own random order, so replicas share the orgs between them;
 * the per-org lock and the tick recorded on each run make every org run once per tick, whichever replica gets it. A
 * round ends when the last of its runs has ended, and records what it did ({@link SyncMetrics#roundFinished}).
 */
@Component
class SyncSchedule {

    private static final Logger log = LoggerFactory.getLogger(SyncSchedule.class);

    /** The scheduler may fire a hair early; a tick is the latest fire time up to this long after now. */
    private static final Duration FIRE_TOLERANCE = Duration.ofMillis(1000);

    private final SyncedOrgs orgs;
    private final OrgRunner orgSync;
    private final SyncRunLog runLog;
    private final SyncProperties properties;
    private final CronExpression cron;
    private final Clock clock;
    private final SyncShutdown shutdown;
    private final SyncWorkers workers;
    private final SyncMetrics metrics;

    SyncSchedule(
            SyncedOrgs orgs,
            OrgRunner orgSync,
            SyncRunLog runLog,
            SyncProperties properties,
            Clock clock,
            SyncShutdown shutdown,
            SyncWorkers workers,
            SyncMetrics metrics) {
        this.workers = workers;
        this.metrics = metrics;
        this.orgs = orgs;
        this.orgSync = orgSync;
        this.runLog = runLog;
        this.properties = properties;
        this.cron = parse(properties.cron());
        this.clock = clock;
        this.shutdown = shutdown;
    }

    void runTick() {
        runTick(latestFireTime(cron, clock.instant()));
    }

    /** The round of schedule tick {@code tick}; returns when its last run has ended. */
    Round runTick(Instant tick) {
        log.debug("Schedule tick {}", tick);
        closeAbandonedRuns();
        return round(SyncRun.Trigger.SCHEDULED, tick, shuffled(), List.of()).tally();
    }

    /**
     * Syncs every org whose latest run did not succeed within the startup grace. Returns the orgs whose lock another
     * replica held (a live one syncing them, or a dead one whose lock has not expired yet): {@link #retryStartup}
     * takes them again once such a lock has had time to expire.
     */
    List<ConfiguredOrg> runStartup() {
        closeAbandonedRuns();
        return startup(shuffled());
    }

    List<ConfiguredOrg> retryStartup(List<ConfiguredOrg> busy) {
        closeAbandonedRuns();
        return startup(busy);
    }

    private List<ConfiguredOrg> startup(List<ConfiguredOrg> candidates) {
        if (shutdown.stopping()) {
            return List.of();
        }
        Instant recent = clock.instant().minus(properties.startupGrace());
        List<ConfiguredOrg> due = new ArrayList<>();
        List<ConfiguredOrg> recentlySynced = new ArrayList<>();
        for (ConfiguredOrg org : candidates) {
            if (succeededSince(org, recent)) {
                log.info(
                        "Startup sync of org {} skipped: it synced successfully less than {} ago",
                        org.id(),
                        properties.startupGrace());
                recentlySynced.add(org);
            } else {
                due.add(org);
            }
        }
        return round(SyncRun.Trigger.STARTUP, null, due, recentlySynced).turns().stream()
                .filter(turn -> turn.attempt() != null && turn.attempt().skipped() == OrgRunner.Skipped.LOCKED)
                .map(Turn::org)
                .toList();
    }

    private boolean succeededSince(ConfiguredOrg org, Instant since) {
        try {
            return runLog.latest(org.id())
                    .filter(run -> run.status() == SyncRun.Status.SUCCEEDED)
                    .map(SyncRun::finishedAt)
                    .filter(finished -> finished.isAfter(since))
                    .isPresent();
        } catch (RuntimeException e) {
            log.error("Could not read the latest run of org {}; syncing it", org.id(), e);
            return false;
        }
    }

    /**
     * One org's turn in a round: its attempt, or null when it broke (the runner threw) or did not start because the
     * service is stopping.
     */
    record Turn(ConfiguredOrg org, OrgRunner.@Nullable Attempt attempt, boolean broke) {}

    /**
     * Runs a round: each org of {@code orgs} starts on a sync worker when one is free (up to
     * {@code billing.sync.parallelism} at once), and the round returns when every run has ended. {@code notDue} are
     * orgs of the round skipped before it started (counted, not run).
     */
    /** A round's turns, one per org, and its tally. */
    private record Ended(List<Turn> turns, Round tally) {}

    private Ended round(
            SyncRun.Trigger trigger, @Nullable Instant tick, List<ConfiguredOrg> orgs, List<ConfiguredOrg> notDue) {
        long started = System.nanoTime();
        List<CompletableFuture<Turn>> turns = new ArrayList<>();
        for (ConfiguredOrg org : orgs) {
            CompletableFuture<Turn> turn = new CompletableFuture<>();
            turns.add(turn);
            try {
                workers.startOrg(() -> {
                    if (shutdown.stopping()) {
                        turn.complete(new Turn(org, null, false));
                    } else {
                        runIsolated(org, trigger, tick).whenComplete((done, impossible) -> turn.complete(done));
                    }
                });
            } catch (RejectedExecutionException stopped) {
                turn.complete(new Turn(org, null, false));
            }
        }
        CompletableFuture.allOf(turns.toArray(CompletableFuture[]::new)).join();
        List<Turn> ended = turns.stream().map(CompletableFuture::join).toList();
        Round tally =
                tally(orgs.size() + notDue.size(), notDue.size(), ended, Duration.ofNanos(System.nanoTime() - started));
        log.info(
                "Sync round ({}) of {} org(s) took {}: {} started, {} skipped (locked elsewhere), {} not due,"
                        + " {} succeeded, {} partial, {} failed",
                trigger,
                tally.due(),
                tally.duration(),
                tally.started(),
                tally.skippedLocked(),
                tally.skippedNotDue(),
                tally.succeeded(),
                tally.partial(),
                tally.failed());
        metrics.roundFinished(trigger, tally);
        List<Turn> all = new ArrayList<>(ended);
        notDue.forEach(org -> all.add(new Turn(org, OrgRunner.Attempt.skipped(OrgRunner.Skipped.NOT_DUE), false)));
        return new Ended(List.copyOf(all), tally);
    }

    /** What a round did: the orgs it had, how many it started or skipped, and how their runs ended. */
    record Round(
            int due,
            int started,
            int skippedLocked,
            int skippedNotDue,
            int succeeded,
            int partial,
            int failed,
            Duration duration) {}

    static Round tally(int due, int notDueBefore, List<Turn> turns, Duration duration) {
        int started = 0;
        int locked = 0;
        int notDue = notDueBefore;
        int succeeded = 0;
        int partial = 0;
        int failed = 0;
        for (Turn turn : turns) {
            if (turn.broke()) {
                failed++;
                continue;
            }
            OrgRunner.Attempt attempt = turn.attempt();
            if (attempt == null) {
                continue;
            }
            if (attempt.skipped() == OrgRunner.Skipped.LOCKED) {
                locked++;
            } else if (attempt.skipped() == OrgRunner.Skipped.NOT_DUE) {
                notDue++;
            } else if (attempt.run() != null) {
                started++;
                switch (attempt.run().status()) {
                    case SUCCEEDED -> succeeded++;
                    case PARTIAL -> partial++;
                    case FAILED -> failed++;
                    default -> {}
                }
            }
        }
        return new Round(due, started, locked, notDue, succeeded, partial, failed, duration);
    }

    /** One org's run; whatever it throws ends that org's run only, never the round. */
    private CompletableFuture<Turn> runIsolated(ConfiguredOrg org, SyncRun.Trigger trigger, @Nullable Instant tick) {
        try {
            return orgSync.runAsync(org, trigger, tick).handle((attempt, error) -> {
                if (error != null) {
                    log.error("Sync of org {} could not run; the round goes on with the other orgs", org.id(), error);
                    return new Turn(org, null, true);
                }
                return new Turn(org, attempt, false);
            });
        } catch (RuntimeException e) {
            log.error("Sync of org {} could not run; the round goes on with the other orgs", org.id(), e);
            return CompletableFuture.completedFuture(new Turn(org, null, true));
        }
    }

    private void closeAbandonedRuns() {
        try {
            orgSync.closeAbandonedRuns();
        } catch (RuntimeException e) {
            log.error("Could not close the sync runs left running by stopped replicas; trying again next round", e);
        }
    }

    private List<ConfiguredOrg> shuffled() {
        List<ConfiguredOrg> order = new ArrayList<>(orgs.forRound());
        Collections.shuffle(order);
        return order;
    }

    /** The latest time at or before {@code now} (give or take the tolerance) at which the cron fires. */
    static Instant latestFireTime(CronExpression cron, Instant now) {
        ZonedDateTime limit = now.plus(FIRE_TOLERANCE).atZone(ZoneOffset.UTC);
        for (Duration back = Duration.ofMinutes(1); back.toDays() < 800; back = back.multipliedBy(2)) {
            ZonedDateTime fire = cron.next(limit.minus(back));
            if (fire != null && !fire.isAfter(limit)) {
                for (ZonedDateTime next = cron.next(fire);
                        next != null && !next.isAfter(limit);
                        next = cron.next(fire)) {
                    fire = next;
                }
                return fire.toInstant();
            }
        }
        return now;
    }

    static CronExpression parse(String expression) {
        try {
            return CronExpression.parse(expression);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(
                    List.of("billing.sync.cron: '" + expression + "' is not a valid cron expression (" + e.getMessage()
                            + "); the default is '0 0 * * * *', every hour on the hour, UTC"));
        }
    }
}
