package dev.billingsync.sync;

import dev.billingsync.atlas.AtlasApiException;
import dev.billingsync.atlas.AtlasClient;
import dev.billingsync.atlas.AtlasOrgSession;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;
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
    private final AtlasInvoiceSync invoices;
    private final CostSync costSync;
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
            AtlasInvoiceSync invoices,
            CostSync costSync,
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
        this.invoices = invoices;
        this.costSync = costSync;
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
            Part invoicePart;
            CompletableFuture<@Nullable Part> costPart;
            try {
                session = atlas.session(org.id(), org.credentials());
                log.info(
                        "Sync run {} of org {} started ({})",
                        runId,
                        org.id(),
                        started.run().trigger());
                until = clock.instant().plus(budget);
                invoicePart = invoicePart(org.id(), runId, session, until);
                costPart = costSync.enabled() && !started.lock().lost()
                        ? costPart(org.id(), runId, started.run().trigger(), session, until, continueOn)
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
            Part invoicePart,
            @Nullable Part costPart,
            @Nullable Throwable error) {
        ConfiguredOrg org = started.org();
        long runId = started.run().id();
        try {
            Part cost = error == null ? costPart : costFailure(org.id(), runId, unwrap(error));
            SyncRun run = record(runId, session, invoicePart, cost);
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

    /**
     * What one part of a run (invoices, Cost Explorer) wrote, and its first error; {@code failedWhole} when nothing of
     * it could be stored (a part with some invoices not brought up to date still stored the rest).
     */
    private record Part(
            int invoicesWritten,
            long lineItemsWritten,
            int usageRowsWritten,
            @Nullable String errorCode,
            @Nullable String errorDetail,
            boolean failedWhole) {

        static Part failed(String errorCode, String errorDetail) {
            return new Part(0, 0, 0, errorCode, errorDetail, true);
        }
    }

    /** SUCCEEDED without errors, FAILED when every part failed whole, PARTIAL otherwise; the first error is kept. */
    private SyncRun record(long runId, AtlasOrgSession session, Part invoicePart, @Nullable Part costPart) {
        List<Part> parts = costPart == null ? List.of(invoicePart) : List.of(invoicePart, costPart);
        SyncCounts counts = new SyncCounts(
                invoicePart.invoicesWritten(),
                invoicePart.lineItemsWritten(),
                costPart == null ? 0 : costPart.usageRowsWritten(),
                session.requestCount());
        Optional<Part> firstError =
                parts.stream().filter(p -> p.errorCode() != null).findFirst();
        if (firstError.isEmpty()) {
            return runLog.succeed(runId, counts);
        }
        Part error = firstError.get();
        if (parts.stream().allMatch(Part::failedWhole)) {
            return runLog.fail(runId, counts, error.errorCode(), error.errorDetail());
        }
        return runLog.partiallySucceed(runId, counts, error.errorCode(), error.errorDetail());
    }

    private Part invoicePart(String orgId, long runId, AtlasOrgSession session, Instant until) {
        try {
            AtlasInvoiceSync.Result result = invoices.sync(orgId, session, until);
            List<AtlasInvoiceSync.InvoiceProblem> problems = result.problems();
            if (problems.isEmpty()) {
                return new Part(result.invoicesWritten(), result.lineItemsWritten(), 0, null, null, false);
            }
            String code = problems.size() == 1 ? problems.get(0).errorCode() : "INVOICES_NOT_SYNCED";
            String detail = problems.size() + " invoice(s) not brought up to date, the others were stored: "
                    + problems.stream().map(p -> p.detail()).collect(Collectors.joining(" | "));
            return new Part(result.invoicesWritten(), result.lineItemsWritten(), 0, code, detail, false);
        } catch (AtlasApiException e) {
            log.error("Invoices of org {} failed to sync in run {}: {}", orgId, runId, e.getMessage(), e);
            return Part.failed(e.errorCode(), e.getMessage());
        } catch (LockLostException e) {
            log.error("Invoices of org {} not written in run {}: {}", orgId, runId, e.getMessage());
            return Part.failed("LOCK_LOST", e.getMessage());
        } catch (RuntimeException e) {
            log.error("Invoices of org {} failed to sync in run {}", orgId, runId, e);
            return Part.failed(
                    "INTERNAL_ERROR",
                    "The sync failed inside billing-sync; the service log of run " + runId + " has the cause.");
        }
    }

    /** The Cost Explorer part when it is due for the run (always for a manual one); null when it is not. */
    private CompletableFuture<@Nullable Part> costPart(
            String orgId,
            long runId,
            SyncRun.Trigger trigger,
            AtlasOrgSession session,
            Instant until,
            Executor continueOn) {
        try {
            List<String> groupings = costSync.dueGroupings(orgId, trigger);
            if (groupings.isEmpty()) {
                log.info(
                        "Cost Explorer of org {} not due in run {}: refreshed within billing.cost-explorer.refresh-after",
                        orgId,
                        runId);
                return CompletableFuture.completedFuture(null);
            }
            return costSync.sync(orgId, runId, session, until, groupings, continueOn)
                    .thenApply(cost -> new Part(
                            0, 0, cost.usageRowsWritten(), cost.errorCode(), cost.errorDetail(), cost.failed()));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(costFailure(orgId, runId, e));
        }
    }

    private Part costFailure(String orgId, long runId, Throwable error) {
        if (error instanceof LockLostException e) {
            log.error("Cost Explorer usage of org {} not written in run {}: {}", orgId, runId, e.getMessage());
            return Part.failed("LOCK_LOST", e.getMessage());
        }
        log.error("Cost Explorer of org {} failed in run {}", orgId, runId, error);
        return Part.failed(
                "INTERNAL_ERROR",
                "Cost Explorer failed inside billing-sync; the service log of run " + runId + " has the cause.");
    }
}
