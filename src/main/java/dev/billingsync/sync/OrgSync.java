package dev.billingsync.sync;

import dev.billingsync.atlas.AtlasClient;
import dev.billingsync.atlas.AtlasOrgSession;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * One sync run of one organization, end to end: take the org's lock, record the run, sync, record how it ended.
 * A failure ends this org's run only; it is recorded with its error and the org's stored data stays as it was.
 */
@Component
public class OrgSync implements OrgRunner {

    private static final Logger log = LoggerFactory.getLogger(OrgSync.class);

    /** A run that holds its org's lock and has its record, ready to execute on any thread. */
    private record Started(ConfiguredOrg org, SyncRun run, OrgSyncLock.Held lock) {}

    private final OrgSyncLock lock;
    private final SyncRunLog runLog;
    private final AtlasClient atlas;
    private final OrgRunParts parts;
    private final SyncMetrics metrics;
    private final SyncShutdown shutdown;
    private final Clock clock;
    private final Duration budget;
    private final String runner;
    private final SyncWorkers workers;

    OrgSync(
            OrgSyncLock lock,
            SyncRunLog runLog,
            AtlasClient atlas,
            OrgRunParts parts,
            SyncMetrics metrics,
            SyncShutdown shutdown,
            Clock clock,
            SyncProperties properties,
            ReplicaName replica,
            SyncWorkers workers) {
        this.workers = workers;
        this.lock = lock;
        this.runLog = runLog;
        this.atlas = atlas;
        this.parts = parts;
        this.metrics = metrics;
        this.shutdown = shutdown;
        this.clock = clock;
        this.budget = properties.orgTimeBudget();
        this.runner = replica.value();
    }

    /**
     * Syncs {@code org} now, on this thread, until its run ends. Empty when another replica holds the org's lock, or
     * when {@code tick} is given and the org already has a run for that schedule tick.
     */
    @Override
    public Optional<SyncRun> run(ConfiguredOrg org, SyncRun.Trigger trigger, @Nullable Instant tick) {
        try {
            return Optional.ofNullable(runAsync(org, trigger, tick).join().run());
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Starts the org's run on this thread: takes the lock, records the run, syncs the invoices; Cost Explorer goes on
     * without this thread (its waits hold none), its steps on the sync workers. The future completes with the run as
     * recorded when its last part ended.
     */
    @Override
    public CompletableFuture<Attempt> runAsync(ConfiguredOrg org, SyncRun.Trigger trigger, @Nullable Instant tick) {
        Begun begun = begin(org, trigger, tick);
        if (begun.started() == null) {
            return CompletableFuture.completedFuture(Attempt.skipped(Objects.requireNonNull(begun.skipped())));
        }
        return execute(begun.started()).thenApply(Attempt::ran);
    }

    /**
     * Starts a sync of {@code org} and lets {@code executor} run it; returns the run as recorded when it started.
     * Empty when the org is being synced already (here or by another replica). When the executor rejects the run, the
     * run is recorded as failed, the lock released and the rejection rethrown.
     */
    public Optional<SyncRun> start(ConfiguredOrg org, SyncRun.Trigger trigger, Executor executor) {
        return Optional.ofNullable(begin(org, trigger, null).started()).map(started -> {
            try {
                executor.execute(() -> execute(started));
            } catch (RejectedExecutionException rejected) {
                try {
                    runLog.fail(started.run().id(), SyncCounts.NONE, "REJECTED", "No capacity to run the sync now.");
                } finally {
                    started.lock().release();
                }
                throw rejected;
            }
            return started.run();
        });
    }

    /**
     * Closes the runs left running by replicas that died, for every org whose lock is free now; an org whose lock is
     * held has a live run somewhere (or a dead one whose lock has not expired yet, closed on a later call).
     */
    @Override
    public void closeAbandonedRuns() {
        for (String orgId : runLog.orgsWithRunningRuns()) {
            lock.tryLock(orgId).ifPresent(held -> {
                try {
                    int closed = runLog.closeAbandoned(orgId);
                    if (closed > 0) {
                        log.warn(
                                "Closed {} sync run(s) of org {} left running by a replica that stopped",
                                closed,
                                orgId);
                    }
                } finally {
                    held.release();
                }
            });
        }
    }

    /** A started run, or why the org got none. */
    private record Begun(@Nullable Started started, OrgRunner.@Nullable Skipped skipped) {}

    private Begun begin(ConfiguredOrg org, SyncRun.Trigger trigger, @Nullable Instant tick) {
        Optional<OrgSyncLock.Held> held = lock.tryLock(org.id());
        if (held.isEmpty()) {
            return new Begun(null, Skipped.LOCKED);
        }
        try {
            Optional<SyncRun> run = runLog.start(org.id(), org.name(), trigger, tick, runner);
            if (run.isEmpty()) {
                held.get().release();
                return new Begun(null, Skipped.NOT_DUE);
            }
            return new Begun(new Started(org, run.get(), held.get()), null);
        } catch (RuntimeException e) {
            held.get().release();
            throw e;
        }
    }

    /**
     * The run's invoice part on this thread, written as soon as it is fetched; then its Cost Explorer part, if due,
     * without this thread; then its record, on a sync worker. The lock is kept alive until the record is written.
     */
    private CompletableFuture<SyncRun> execute(Started started) {
        ConfiguredOrg org = started.org();
        long runId = started.run().id();
        Executor continueOn = withMdc(workers.continuations(), runId, org.id());
        MDC.put("syncRunId", Long.toString(runId));
        MDC.put("orgId", org.id());
        try {
            if (shutdown.stopping()) {
                try {
                    log.info("Sync run {} of org {} not started: the service is shutting down", runId, org.id());
                    return CompletableFuture.completedFuture(runLog.fail(
                            runId,
                            SyncCounts.NONE,
                            "SHUTDOWN",
                            "The service shut down before this sync started; the next run syncs the organization."));
                } finally {
                    started.lock().release();
                }
            }
            AtlasOrgSession session;
            Instant until;
            OrgRunParts.Part invoicePart;
            CompletableFuture<OrgRunParts.@Nullable Part> costPart;
            try {
                session = atlas.session(org.id(), org.credentials());
                log.info(
                        "Sync run {} of org {} started ({})",
                        runId,
                        org.id(),
                        started.run().trigger());
                until = clock.instant().plus(budget);
                invoicePart = parts.invoicePart(org.id(), runId, session, until);
                costPart = parts.costEnabled() && !started.lock().lost()
                        ? parts.costPart(org.id(), runId, started.run().trigger(), session, until, continueOn)
                        : CompletableFuture.completedFuture(null);
            } catch (RuntimeException e) {
                started.lock().release();
                throw e;
            }
            return workers.track(costPart.handleAsync(
                    (part, error) -> finish(started, session, invoicePart, part, error), continueOn));
        } finally {
            MDC.remove("syncRunId");
            MDC.remove("orgId");
        }
    }

    private SyncRun finish(
            Started started,
            AtlasOrgSession session,
            OrgRunParts.Part invoicePart,
            OrgRunParts.@Nullable Part costPart,
            @Nullable Throwable error) {
        ConfiguredOrg org = started.org();
        long runId = started.run().id();
        try {
            OrgRunParts.Part cost = error == null ? costPart : parts.costFailure(org.id(), runId, unwrap(error));
            SyncRun run = parts.record(runId, session, invoicePart, cost);
            log.info(
                    "Sync run {} of org {} {}: {} invoice(s), {} line item(s), {} usage row(s), {} Atlas request(s)",
                    runId,
                    org.id(),
                    run.status().name().toLowerCase(Locale.ROOT),
                    run.invoicesWritten(),
                    run.lineItemsWritten(),
                    run.usageRowsWritten(),
                    run.atlasRequests());
            metrics.runFinished(run);
            return run;
        } finally {
            started.lock().release();
        }
    }

    private static Executor withMdc(Executor executor, long runId, String orgId) {
        return work -> executor.execute(() -> {
            MDC.put("syncRunId", Long.toString(runId));
            MDC.put("orgId", orgId);
            try {
                work.run();
            } finally {
                MDC.remove("syncRunId");
                MDC.remove("orgId");
            }
        });
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
