package dev.billingsync.sync;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Writes sync run records, each change in a short transaction of its own so a run's record survives its failure. */
@Component
class SyncRunLog {

    private final SyncRunRepository runs;
    private final OrganizationRepository organizations;
    private final Clock clock;

    SyncRunLog(SyncRunRepository runs, OrganizationRepository organizations, Clock clock) {
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
        organizations.findById(orgId).ifPresentOrElse(
                org -> org.rename(name), () -> organizations.save(new Organization(orgId, name, now)));
        runs.findByOrgIdAndStatus(orgId, SyncRun.Status.RUNNING).forEach(stale -> stale.abandon(now));
        return Optional.of(runs.save(SyncRun.start(orgId, trigger, tick, now, runner)));
    }

    @Transactional
    public SyncRun succeed(long runId, SyncCounts counts) {
        SyncRun run = runs.findById(runId).orElseThrow();
        run.succeed(counts, clock.instant());
        organizations.findById(run.orgId()).orElseThrow().finishedRun(run);
        return run;
    }

    @Transactional
    public SyncRun fail(long runId, SyncCounts counts, String code, String detail) {
        SyncRun run = runs.findById(runId).orElseThrow();
        run.fail(counts, code, detail, clock.instant());
        organizations.findById(run.orgId()).orElseThrow().finishedRun(run);
        return run;
    }

    @Transactional
    public SyncRun partiallySucceed(long runId, SyncCounts counts, String code, String detail) {
        SyncRun run = runs.findById(runId).orElseThrow();
        run.partiallySucceed(counts, code, detail, clock.instant());
        organizations.findById(run.orgId()).orElseThrow().finishedRun(run);
        return run;
    }

    /** The most recent run of an org, whatever its trigger. */
    @Transactional(readOnly = true)
    public Optional<SyncRun> latest(String orgId) {
        return runs.findFirstByOrgIdOrderByStartedAtDesc(orgId);
    }
}
