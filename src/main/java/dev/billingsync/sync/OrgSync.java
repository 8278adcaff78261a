package dev.billingsync.sync;

import dev.billingsync.atlas.AtlasApiException;
import dev.billingsync.atlas.AtlasClient;
import dev.billingsync.atlas.AtlasOrgSession;
import dev.billingsync.sync.ConfiguredOrgs.ConfiguredOrg;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
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
    private final String runner;

    OrgSync(
            OrgSyncLock lock,
            SyncRunLog runLog,
            AtlasClient atlas,
            AtlasInvoiceSync invoices,
            CostSync costSync,
            SyncMetrics metrics) {
        this.lock = lock;
        this.runLog = runLog;
        this.atlas = atlas;
        this.invoices = invoices;
        this.costSync = costSync;
        this.metrics = metrics;
        this.runner = runnerName();
    }

    /**
     * Syncs {@code org} now, on this thread. Empty when another replica holds the org's lock, or when {@code tick} is
     * given and the org already has a run for that schedule tick.
     */
    @Override
    public Optional<SyncRun> run(ConfiguredOrg org, SyncRun.Trigger trigger, @Nullable Instant tick) {
        return begin(org, trigger, tick).map(this::complete);
    }

    /**
     * Starts a sync of {@code org} and lets {@code executor} run it; returns the run as recorded when it started.
     * Empty when the org is being synced already (here or by another replica).
     */
    public Optional<SyncRun> start(ConfiguredOrg org, SyncRun.Trigger trigger, Executor executor) {
        return begin(org, trigger, null).map(started -> {
            try {
                executor.execute(() -> complete(started));
            } catch (RuntimeException rejected) {
                runLog.fail(started.run().id(), SyncCounts.NONE, "REJECTED", "No capacity to run the sync now.");
                started.lock().release();
                throw rejected;
            }
            return started.run();
        });
    }

    private Optional<Started> begin(ConfiguredOrg org, SyncRun.Trigger trigger, @Nullable Instant tick) {
        Optional<OrgSyncLock.Held> held = lock.tryLock(org.id());
        if (held.isEmpty()) {
            return Optional.empty();
        }
        try {
            Optional<SyncRun> run = runLog.start(org.id(), org.name(), trigger, tick, runner);
            if (run.isEmpty()) {
                held.get().release();
                return Optional.empty();
            }
            return Optional.of(new Started(org, run.get(), held.get()));
        } catch (RuntimeException e) {
            held.get().release();
            throw e;
        }
    }

    private SyncRun complete(Started started) {
        ConfiguredOrg org = started.org();
        long runId = started.run().id();
        MDC.put("syncRunId", Long.toString(runId));
        MDC.put("orgId", org.id());
        AtlasOrgSession session = atlas.session(org.id(), org.credentials());
        try {
            log.info("Sync run {} of org {} started ({})", runId, org.id(), started.run().trigger());
            Part invoicePart = invoicePart(org.id(), runId, session);
            CostSync.Result cost = costSync.enabled() ? costPart(org.id(), runId, session) : null;
            SyncCounts counts = new SyncCounts(invoicePart.invoicesWritten(), invoicePart.lineItemsWritten(),
                    cost == null ? 0 : cost.usageRowsWritten(), session.requestCount());
            boolean costFailed = cost != null && cost.failed();
            SyncRun run;
            if (invoicePart.errorCode() == null && !costFailed) {
                run = runLog.succeed(runId, counts);
            } else if (invoicePart.errorCode() == null) {
                run = runLog.partiallySucceed(runId, counts, cost.errorCode(), cost.errorDetail());
            } else if (cost != null && !costFailed) {
                run = runLog.partiallySucceed(runId, counts, invoicePart.errorCode(), invoicePart.errorDetail());
            } else {
                run = runLog.fail(runId, counts, invoicePart.errorCode(), invoicePart.errorDetail());
            }
            log.info("Sync run {} of org {} {}: {} invoice(s), {} line item(s), {} usage row(s), {} Atlas request(s)",
                    runId, org.id(), run.status().name().toLowerCase(Locale.ROOT), run.invoicesWritten(),
                    run.lineItemsWritten(), run.usageRowsWritten(), run.atlasRequests());
            metrics.runFinished(run);
            return run;
        } finally {
            started.lock().release();
            MDC.remove("syncRunId");
            MDC.remove("orgId");
        }
    }

    /** What the invoice part of a run wrote, or why it failed. */
    private record Part(int invoicesWritten, long lineItemsWritten, @Nullable String errorCode, @Nullable String errorDetail) {}

    private Part invoicePart(String orgId, long runId, AtlasOrgSession session) {
        try {
            AtlasInvoiceSync.Result result = invoices.sync(orgId, session);
            return new Part(result.invoicesWritten(), result.lineItemsWritten(), null, null);
        } catch (AtlasApiException e) {
            log.error("Invoices of org {} failed to sync in run {}: {}", orgId, runId, e.getMessage(), e);
            return new Part(0, 0, e.errorCode(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("Invoices of org {} failed to sync in run {}", orgId, runId, e);
            return new Part(0, 0, "INTERNAL_ERROR",
                    "The sync failed inside billing-sync; the service log of run " + runId + " has the cause.");
        }
    }

    private CostSync.Result costPart(String orgId, long runId, AtlasOrgSession session) {
        try {
            return costSync.sync(orgId, runId, session);
        } catch (RuntimeException e) {
            log.error("Cost Explorer of org {} failed in run {}", orgId, runId, e);
            return new CostSync.Result(0, "INTERNAL_ERROR",
                    "Cost Explorer failed inside billing-sync; the service log of run " + runId + " has the cause.");
        }
    }

    private static String runnerName() {
        String host = System.getenv("HOSTNAME");
        return (host == null || host.isBlank() ? "local" : host) + ":" + ProcessHandle.current().pid();
    }
}
