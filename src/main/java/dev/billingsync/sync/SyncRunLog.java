package dev.billingsync.sync;

import dev.billingsync.orgs.OrgRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Writes sync run records, each change in a short transaction of its own so a run's record survives its failure. */
@Component
class SyncRunLog {

    private static final Logger log = LoggerFactory.getLogger(SyncRunLog.class);

    private final SyncRunRepository runs;
    private final OrgRegistry organizations;
    private final Clock clock;

    SyncRunLog(SyncRunRepository runs, OrgRegistry organizations, Clock clock) {
        this.runs = runs;
        this.organizations = organizations;
        this.clock = clock;
    }

    /**
     * Starts a run of an org whose lock the caller holds. Runs of that org still marked running were left by a replica
     * that died: they are closed as abandoned. Empty if this schedule tick already has a run of the org (another
     * replica did it).
     */
    @Transactional
    public Optional<SyncRun> start(
            String orgId, @Nullable String name, SyncRun.Trigger trigger, @Nullable Instant tick, String runner) {
        if (tick != null && runs.existsByOrgIdAndTickAt(orgId, tick)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        organizations.runStarting(orgId, name, now);
        closeAbandoned(orgId);
        return Optional.of(runs.save(SyncRun.start(orgId, trigger, tick, now, runner)));
    }

    @Transactional
    public SyncRun succeed(long runId, SyncCounts counts) {
        return finish(runId, run -> run.succeed(counts, clock.instant()));
    }

    @Transactional
    public SyncRun fail(long runId, SyncCounts counts, String code, String detail) {
        return finish(runId, run -> run.fail(counts, code, detail, clock.instant()));
    }

    @Transactional
    public SyncRun partiallySucceed(long runId, SyncCounts counts, String code, String detail) {
        return finish(runId, run -> run.partiallySucceed(counts, code, detail, clock.instant()));
    }

    /**
     * Closes as abandoned the runs of {@code orgId} still marked running. The caller holds the org's lock, so whoever
     * started them is gone (or lost the lock, and its writes are fenced off).
     */
    @Transactional
    public int closeAbandoned(String orgId) {
        List<SyncRun> stale = runs.findByOrgIdAndStatus(orgId, SyncRun.Status.RUNNING);
        stale.forEach(run -> run.abandon(clock.instant()));
        return stale.size();
    }

    /** Orgs with a run still marked running, here or on any replica. */
    @Transactional(readOnly = true)
    public List<String> orgsWithRunningRuns() {
        return runs.findOrgIdsByStatus(SyncRun.Status.RUNNING);
    }

    /**
     * Records how a run ended. A run closed meanwhile by another replica (it took the org's lock over and marked this
     * run abandoned) keeps that record: its writes were fenced off, so "abandoned" is what happened.
     */
    private SyncRun finish(long runId, Consumer<SyncRun> outcome) {
        SyncRun run = runs.findById(runId).orElseThrow();
        if (run.status() != SyncRun.Status.RUNNING) {
            log.warn(
                    "Sync run {} of org {} was already closed as {} ({}) by another replica",
                    runId,
                    run.orgId(),
                    run.status(),
                    run.errorCode());
            return run;
        }
        outcome.accept(run);
        organizations.runFinished(
                run.orgId(), run.id(), run.status() == SyncRun.Status.SUCCEEDED ? run.finishedAt() : null);
        return run;
    }

    /** The most recent run of an org, whatever its trigger. */
    @Transactional(readOnly = true)
    public Optional<SyncRun> latest(String orgId) {
        return runs.findFirstByOrgIdOrderByStartedAtDesc(orgId);
    }
}
