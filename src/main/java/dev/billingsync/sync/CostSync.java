package dev.billingsync.sync;

import dev.billingsync.atlas.AtlasApiException;
import dev.billingsync.atlas.AtlasOrgSession;
import dev.billingsync.atlas.CostExplorerPolling;
import dev.billingsync.atlas.CostExplorerRequest;
import dev.billingsync.atlas.CostExplorerUsage;
import dev.billingsync.costexplorer.CostUsageStore;
import dev.billingsync.invoices.InvoiceQueries;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Syncs one org's Cost Explorer usage: per configured {@code groupBy}, one query over the trailing months (current
 * month included), which Atlas's session polls with growing, jittered waits until ready or the deadline passes,
 * re-created once if Atlas forgot its token ({@link AtlasOrgSession#costExplorerUsage}). Each completed query replaces,
 * atomically, the months whose rows changed ({@link CostQueryRecorder}). A wait between polls holds no thread
 * ({@link SyncWorkers#delay}); scheduled runs query only when the last result is old enough
 * ({@code billing.cost-explorer.refresh-after}).
 */
@Component
class CostSync {

    private static final Logger log = LoggerFactory.getLogger(CostSync.class);

    /** What the Cost Explorer part of a run did: rows written, and the first failure if any query failed. */
    record Result(
            int usageRowsWritten,
            @Nullable String errorCode,
            @Nullable String errorDetail) {

        boolean failed() {
            return errorCode != null;
        }
    }

    private final CostExplorerProperties properties;
    private final CostUsageStore store;
    private final CostQueryRecorder recorder;
    private final InvoiceQueries invoices;
    private final Clock clock;
    private final MeterRegistry meters;
    private final SyncShutdown shutdown;
    private final SyncWorkers workers;

    CostSync(
            CostExplorerProperties properties,
            CostUsageStore store,
            CostQueryRecorder recorder,
            InvoiceQueries invoices,
            Clock clock,
            MeterRegistry meters,
            SyncShutdown shutdown,
            SyncWorkers workers) {
        this.properties = properties;
        this.store = store;
        this.recorder = recorder;
        this.invoices = invoices;
        this.clock = clock;
        this.meters = meters;
        this.shutdown = shutdown;
        this.workers = workers;
    }

    boolean enabled() {
        return properties.enabled();
    }

    /**
     * Whether a scheduled or startup run queries the grouping: when its last successful query (over the same months)
     * completed at least {@code billing.cost-explorer.refresh-after} ago, or never did. A manual run always queries.
     */
    static boolean refreshDue(@Nullable Instant lastReady, Instant now, Duration refreshAfter) {
        return lastReady == null || !lastReady.plus(refreshAfter).isAfter(now);
    }

    /** The groupings a run of {@code trigger} queries now; empty when Cost Explorer is not due for the org. */
    List<String> dueGroupings(String orgId, SyncRun.Trigger trigger) {
        if (!properties.enabled()) {
            return List.of();
        }
        if (trigger == SyncRun.Trigger.MANUAL) {
            return properties.groupBy();
        }
        LocalDate start = firstMonth();
        LocalDate end = endMonth();
        Instant now = clock.instant();
        return properties.groupBy().stream()
                .filter(groupBy -> refreshDue(
                        store.lastReady(orgId, groupBy, start, end).orElse(null), now, properties.refreshAfter()))
                .toList();
    }

    /**
     * Runs the org's queries of {@code groupings}, one after the other; none polls past {@code until}, the run's time
     * budget. Waits between polls, and Atlas calls in flight, hold no thread: each step continues on
     * {@code continueOn} (a sync worker), where the database work happens too.
     */
    CompletableFuture<Result> sync(
            String orgId,
            long syncRunId,
            AtlasOrgSession session,
            Instant until,
            List<String> groupings,
            Executor continueOn) {
        LocalDate start = firstMonth();
        LocalDate end = endMonth();
        CostQueryRecorder.Totals totals = new CostQueryRecorder.Totals();
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (String groupBy : groupings) {
            chain = chain.thenComposeAsync(
                    ignored -> query(orgId, syncRunId, session, until, groupBy, start, end, totals, continueOn),
                    continueOn);
        }
        return chain.thenApply(ignored -> new Result(totals.written, totals.errorCode, totals.errorDetail));
    }

    private CompletableFuture<Void> query(
            String orgId,
            long syncRunId,
            AtlasOrgSession session,
            Instant until,
            String groupBy,
            LocalDate start,
            LocalDate end,
            CostQueryRecorder.Totals totals,
            Executor continueOn) {
        CostExplorerRequest request = request(orgId, groupBy, start, end);
        if (request == null) {
            log.info("Cost Explorer by {} skipped for org {}: no {} in its invoices yet", groupBy, orgId, groupBy);
            return CompletableFuture.completedFuture(null);
        }
        long queryId = store.startQuery(
                orgId, syncRunId, groupBy, start, end, new String(request.toJson(), StandardCharsets.UTF_8));
        CostQueryRecorder.Query query = new CostQueryRecorder.Query(orgId, groupBy, queryId, start, end);
        Timer.Sample sample = Timer.start(meters);
        CostExplorerPolling polling = new CostExplorerPolling(
                properties.pollInterval(),
                properties.maxPollInterval(),
                properties.deadline(),
                until,
                properties.format() == CostExplorerProperties.Format.CSV,
                workers::delay,
                shutdown::stopping,
                continueOn);
        return session.costExplorerUsage(request, polling)
                .handle((usage, error) -> {
                    if (error == null) {
                        return usage;
                    }
                    if (unwrap(error) instanceof AtlasApiException e) {
                        totals.failed(
                                "COST_EXPLORER_" + e.errorCode(),
                                "Cost Explorer by " + groupBy + ": " + e.getMessage());
                        return new CostExplorerUsage(
                                CostExplorerUsage.Status.FAILED, null, 0, 0, List.of(), null, e.getMessage());
                    }
                    throw new CompletionException(unwrap(error));
                })
                .thenAcceptAsync(usage -> recorder.finish(query, usage, sample, totals), continueOn);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private LocalDate firstMonth() {
        return endMonth().minusMonths(properties.months());
    }

    private LocalDate endMonth() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC)).withDayOfMonth(1).plusMonths(1);
    }

    /** The request for one grouping, or null when the dimension has no filter values to send yet. */
    private @Nullable CostExplorerRequest request(String orgId, String groupBy, LocalDate start, LocalDate end) {
        Boolean partial = properties.includePartialMatches() ? Boolean.TRUE : null;
        List<String> orgs = List.of(orgId);
        return switch (groupBy) {
            case "services" ->
                new CostExplorerRequest(start, end, orgs, null, null, properties.services(), groupBy, partial);
            case "organizations" -> new CostExplorerRequest(start, end, orgs, null, null, null, groupBy, partial);
            case "projects" -> {
                List<String> projects = invoices.projectIds(orgId);
                yield projects.isEmpty()
                        ? null
                        : new CostExplorerRequest(start, end, orgs, projects, null, null, groupBy, partial);
            }
            default -> throw new IllegalStateException("unsupported groupBy " + groupBy);
        };
    }
}
