package dev.billingsync.sync;

import dev.billingsync.atlas.AtlasApiException;
import dev.billingsync.atlas.AtlasClient;
import dev.billingsync.atlas.AtlasOrgSession;
import dev.billingsync.sync.ConfiguredOrgs.ConfiguredOrg;
import java.time.Instant;
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
public class OrgSync {

    private static final Logger log = LoggerFactory.getLogger(OrgSync.class);

    /** A run that holds its org's lock and has its record, ready to execute on any thread. */
    private record Started(ConfiguredOrg org, SyncRun run, OrgSyncLock.Held lock) {}

    private final OrgSyncLock lock;
    private final SyncRunLog runLog;
    private final AtlasClient atlas;
    private final AtlasInvoiceSync invoices;
    private final String runner;

    OrgSync(OrgSyncLock lock, SyncRunLog runLog, AtlasClient atlas, AtlasInvoiceSync invoices) {
        this.lock = lock;
        this.runLog = runLog;
        this.atlas = atlas;
        this.invoices = invoices;
        this.runner = runnerName();
    }

    /**
     * Syncs {@code org} now, on this thread. Empty when another replica holds the org's lock, or when {@code tick} is
     * given and the org already has a run for that schedule tick.
     */
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
            AtlasInvoiceSync.Result result = invoices.sync(org.id(), session);
            SyncRun run = runLog.succeed(runId, counts(result, session));
            log.info("Sync run {} of org {} succeeded: {} invoice(s), {} line item(s), {} Atlas request(s)",
                    runId, org.id(), run.invoicesWritten(), run.lineItemsWritten(), run.atlasRequests());
            return run;
        } catch (AtlasApiException e) {
            log.error("Sync run {} of org {} failed: {}", runId, org.id(), e.getMessage(), e);
            return runLog.fail(runId, counts(null, session), e.errorCode(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("Sync run {} of org {} failed unexpectedly", runId, org.id(), e);
            return runLog.fail(runId, counts(null, session), "INTERNAL_ERROR",
                    "The sync failed inside billing-sync; the service log of run " + runId + " has the cause.");
        } finally {
            started.lock().release();
            MDC.remove("syncRunId");
            MDC.remove("orgId");
        }
    }

    private static SyncCounts counts(AtlasInvoiceSync.@Nullable Result result, AtlasOrgSession session) {
        return result == null
                ? new SyncCounts(0, 0, 0, session.requestCount())
                : new SyncCounts(result.invoicesWritten(), result.lineItemsWritten(), 0, session.requestCount());
    }

    private static String runnerName() {
        String host = System.getenv("HOSTNAME");
        return (host == null || host.isBlank() ? "local" : host) + ":" + ProcessHandle.current().pid();
    }
}
