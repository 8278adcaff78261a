package dev.billingsync.sync;

import dev.billingsync.atlas.AtlasApiException;
import dev.billingsync.atlas.AtlasOrgSession;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The two parts of an org's sync run, invoices and Cost Explorer ({@link OrgSync}): each runs with its failures caught
 * and named, so that one failing part never hides what the other stored; together they make the run's record.
 */
@Component
class OrgRunParts {

    private static final Logger log = LoggerFactory.getLogger(OrgRunParts.class);

    private final AtlasInvoiceSync invoices;
    private final CostSync costSync;
    private final SyncRunLog runLog;

    OrgRunParts(AtlasInvoiceSync invoices, CostSync costSync, SyncRunLog runLog) {
        this.invoices = invoices;
        this.costSync = costSync;
        this.runLog = runLog;
    }

    boolean costEnabled() {
        return costSync.enabled();
    }

    /**
     * What one part of a run (invoices, Cost Explorer) wrote, and its first error; {@code failedWhole} when nothing of
     * it could be stored (a part with some invoices not brought up to date still stored the rest).
     */
    record Part(
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
    SyncRun record(long runId, AtlasOrgSession session, Part invoicePart, @Nullable Part costPart) {
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

    Part invoicePart(String orgId, long runId, AtlasOrgSession session, Instant until) {
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
    CompletableFuture<@Nullable Part> costPart(
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

    Part costFailure(String orgId, long runId, Throwable error) {
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
