package dev.billingsync.sync;

import dev.billingsync.atlas.AtlasApiException;
import dev.billingsync.atlas.AtlasCostExplorerReader;
import dev.billingsync.atlas.AtlasOrgSession;
import dev.billingsync.atlas.AtlasUsageDetail;
import dev.billingsync.atlas.CostExplorerFormat;
import dev.billingsync.atlas.CostExplorerPoll;
import dev.billingsync.atlas.CostExplorerRequest;
import dev.billingsync.costexplorer.CostUsageStore;
import dev.billingsync.costexplorer.CostUsageStore.QueryState;
import dev.billingsync.costexplorer.UpstreamUsageRow;
import dev.billingsync.invoices.InvoiceQueries;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Syncs one org's Cost Explorer usage: per configured {@code groupBy}, one query over the trailing months (current
 * month included), polled with growing, jittered waits until ready or the deadline passes, re-created once if Atlas
 * forgot its token. Each completed query replaces, atomically, the months whose rows changed. A wait between polls
 * holds no thread ({@link SyncWorkers#delay}); scheduled runs query only when the last result is old enough
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

    /** How one query ended. */
    private record Outcome(
            QueryState state,
            @Nullable String token,
            int polls,
            int recreated,
            CostExplorerPoll.@Nullable Ready ready,
            @Nullable String detail) {}

    private final CostExplorerProperties properties;
    private final AtlasCostExplorerReader reader;
    private final CostUsageStore store;
    private final InvoiceQueries invoices;
    private final Clock clock;
    private final MeterRegistry meters;
    private final SyncShutdown shutdown;
    private final OrgSyncLock locks;
    private final TransactionTemplate transaction;
    private final SyncWorkers workers;
    private final JsonMapper json = JsonMapper.builder().build();

    CostSync(
            CostExplorerProperties properties,
            AtlasCostExplorerReader reader,
            CostUsageStore store,
            InvoiceQueries invoices,
            Clock clock,
            MeterRegistry meters,
            SyncShutdown shutdown,
            OrgSyncLock locks,
            TransactionTemplate transaction,
            SyncWorkers workers) {
        this.workers = workers;
        this.shutdown = shutdown;
        this.locks = locks;
        this.transaction = transaction;
        this.properties = properties;
        this.reader = reader;
        this.store = store;
        this.invoices = invoices;
        this.clock = clock;
        this.meters = meters;
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
        Totals totals = new Totals();
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (String groupBy : groupings) {
            chain = chain.thenComposeAsync(
                    ignored -> query(orgId, syncRunId, session, until, groupBy, start, end, totals, continueOn),
                    continueOn);
        }
        return chain.thenApply(ignored -> new Result(totals.written, totals.errorCode, totals.errorDetail));
    }

    /** What the queries of one run wrote so far, and their first failure; its steps run one after the other. */
    private static final class Totals {
        int written;

        @Nullable
        String errorCode;

        @Nullable
        String errorDetail;

        void failed(String code, String detail) {
            if (errorCode == null) {
                errorCode = code;
                errorDetail = detail;
            }
        }
    }

    private CompletableFuture<Void> query(
            String orgId,
            long syncRunId,
            AtlasOrgSession session,
            Instant until,
            String groupBy,
            LocalDate start,
            LocalDate end,
            Totals totals,
            Executor continueOn) {
        CostExplorerRequest request = request(orgId, groupBy, start, end);
        if (request == null) {
            log.info("Cost Explorer by {} skipped for org {}: no {} in its invoices yet", groupBy, orgId, groupBy);
            return CompletableFuture.completedFuture(null);
        }
        long queryId = store.startQuery(orgId, syncRunId, groupBy, start, end, json.writeValueAsString(request));
        Timer.Sample sample = Timer.start(meters);
        return run(session, request, until, continueOn)
                .handle((outcome, error) -> {
                    if (error == null) {
                        return outcome;
                    }
                    if (unwrap(error) instanceof AtlasApiException e) {
                        totals.failed(
                                "COST_EXPLORER_" + e.errorCode(),
                                "Cost Explorer by " + groupBy + ": " + e.getMessage());
                        return new Outcome(QueryState.FAILED, null, 0, 0, null, e.getMessage());
                    }
                    throw new CompletionException(unwrap(error));
                })
                .thenAcceptAsync(
                        outcome -> finish(orgId, groupBy, queryId, start, end, outcome, sample, totals), continueOn);
    }

    private void finish(
            String orgId,
            String groupBy,
            long queryId,
            LocalDate start,
            LocalDate end,
            Outcome outcome,
            Timer.Sample sample,
            Totals totals) {
        sample.stop(meters.timer(
                "billing.costexplorer.query.duration",
                "outcome",
                outcome.state().name()));
        DistributionSummary.builder("billing.costexplorer.query.polls")
                .description("Polls a Cost Explorer query needed")
                .register(meters)
                .record(outcome.polls());
        meters.counter(
                        "billing.costexplorer.queries",
                        "outcome",
                        outcome.state().name(),
                        "group_by",
                        groupBy)
                .increment();
        if (outcome.state() == QueryState.READY) {
            try (var payload = outcome.ready().payload()) {
                List<AtlasUsageDetail> details =
                        reader.read(payload, outcome.ready().format());
                Map<LocalDate, List<UpstreamUsageRow>> byMonth = byMonth(groupBy, details);
                totals.written += transaction.execute(tx -> {
                    int replaced = store.replaceMonths(orgId, groupBy, queryId, months(start, end), byMonth);
                    locks.fence(orgId);
                    return replaced;
                });
                store.finishQuery(
                        queryId,
                        QueryState.READY,
                        outcome.token(),
                        outcome.polls(),
                        outcome.recreated(),
                        details.size(),
                        null,
                        null);
            } catch (LockLostException e) {
                store.finishQuery(
                        queryId,
                        QueryState.FAILED,
                        outcome.token(),
                        outcome.polls(),
                        outcome.recreated(),
                        null,
                        "LOCK_LOST",
                        e.getMessage());
                throw e;
            } catch (AtlasApiException e) {
                store.finishQuery(
                        queryId,
                        QueryState.FAILED,
                        outcome.token(),
                        outcome.polls(),
                        outcome.recreated(),
                        null,
                        e.errorCode(),
                        e.getMessage());
                totals.failed("COST_EXPLORER_" + e.errorCode(), "Cost Explorer by " + groupBy + ": " + e.getMessage());
            }
        } else {
            String code = outcome.state() == QueryState.TIMED_OUT ? "COST_EXPLORER_TIMED_OUT" : "COST_EXPLORER_FAILED";
            store.finishQuery(
                    queryId,
                    outcome.state(),
                    outcome.token(),
                    outcome.polls(),
                    outcome.recreated(),
                    null,
                    code,
                    outcome.detail());
            totals.failed(code, "Cost Explorer by " + groupBy + ": " + outcome.detail());
            log.warn(
                    "Cost Explorer query by {} for org {} ended {}: {}",
                    groupBy,
                    orgId,
                    outcome.state(),
                    outcome.detail());
        }
    }

    /** Where one query stands between two polls; touched by one step at a time. */
    private static final class Polling {
        String token;
        int polls;
        int recreated;
        Duration wait;
        Instant deadline;

        Polling(String token, Duration wait, Instant deadline) {
            this.token = token;
            this.wait = wait;
            this.deadline = deadline;
        }

        Outcome end(QueryState state, CostExplorerPoll.@Nullable Ready ready, @Nullable String detail) {
            return new Outcome(state, token, polls, recreated, ready, detail);
        }
    }

    /** Creates the query and polls it until ready, unknown twice, or past the deadline. */
    private CompletableFuture<Outcome> run(
            AtlasOrgSession session, CostExplorerRequest request, Instant until, Executor continueOn) {
        Instant deadline = earliest(clock.instant().plus(properties.deadline()), until);
        return session.createCostExplorerQueryAsync(request)
                .thenComposeAsync(
                        token -> pollLater(
                                session,
                                request,
                                until,
                                new Polling(token, properties.pollInterval(), deadline),
                                continueOn),
                        continueOn);
    }

    /** Waits (on the timer, no thread held), then polls once, and goes on from what the poll said. */
    private CompletableFuture<Outcome> pollLater(
            AtlasOrgSession session, CostExplorerRequest request, Instant until, Polling polling, Executor continueOn) {
        if (clock.instant().plus(polling.wait).isAfter(polling.deadline)) {
            return CompletableFuture.completedFuture(polling.end(
                    QueryState.TIMED_OUT,
                    null,
                    "not ready after " + polling.polls + " poll(s) by its deadline (" + properties.deadline()
                            + " per query, within the run's billing.sync.org-time-budget)"));
        }
        CostExplorerFormat format =
                CostExplorerFormat.valueOf(properties.format().name());
        return workers.delay(polling.wait)
                .thenComposeAsync(
                        ignored -> shutdown.stopping()
                                ? CompletableFuture.completedFuture((CostExplorerPoll) null)
                                : session.pollCostExplorerQueryAsync(polling.token, format),
                        continueOn)
                .thenComposeAsync(
                        poll -> {
                            if (poll == null) {
                                return CompletableFuture.completedFuture(
                                        polling.end(
                                                QueryState.FAILED,
                                                null,
                                                "the service shut down while the query was processing; the next run asks again"));
                            }
                            polling.polls++;
                            if (poll instanceof CostExplorerPoll.Ready ready) {
                                return CompletableFuture.completedFuture(polling.end(QueryState.READY, ready, null));
                            }
                            if (poll instanceof CostExplorerPoll.UnknownToken) {
                                if (polling.recreated > 0) {
                                    return CompletableFuture.completedFuture(polling.end(
                                            QueryState.FAILED,
                                            null,
                                            "Atlas did not know the query's token, even after creating it again"));
                                }
                                // A new query gets a deadline of its own; this happens at most once per query.
                                return session.createCostExplorerQueryAsync(request)
                                        .thenComposeAsync(
                                                token -> {
                                                    polling.token = token;
                                                    polling.recreated++;
                                                    polling.deadline = earliest(
                                                            clock.instant().plus(properties.deadline()), until);
                                                    polling.wait = properties.pollInterval();
                                                    return pollLater(session, request, until, polling, continueOn);
                                                },
                                                continueOn);
                            }
                            polling.wait = next(polling.wait);
                            return pollLater(session, request, until, polling, continueOn);
                        },
                        continueOn);
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

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** Half as long again, plus up to 20 % jitter, within [poll-interval, max-poll-interval]. */
    private Duration next(Duration wait) {
        long grown = wait.toMillis() * 3 / 2;
        long jitter = ThreadLocalRandom.current().nextLong(grown / 5 + 1);
        long millis = Math.min(grown + jitter, properties.maxPollInterval().toMillis());
        return Duration.ofMillis(Math.max(millis, properties.pollInterval().toMillis()));
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

    private static Map<LocalDate, List<UpstreamUsageRow>> byMonth(String groupBy, List<AtlasUsageDetail> details) {
        Map<LocalDate, List<UpstreamUsageRow>> byMonth = new LinkedHashMap<>();
        for (AtlasUsageDetail d : details) {
            LocalDate month = d.usageDate().withDayOfMonth(1);
            String id;
            String name;
            switch (groupBy) {
                case "projects" -> {
                    id = d.projectId();
                    name = d.projectName();
                }
                case "organizations" -> {
                    id = d.organizationId();
                    name = d.organizationName();
                }
                default -> {
                    id = d.service();
                    name = d.service();
                }
            }
            byMonth.computeIfAbsent(month, m -> new ArrayList<>())
                    .add(new UpstreamUsageRow(month, id, name, d.invoiceId(), d.service(), d.usageAmount()));
        }
        return byMonth;
    }

    private static List<LocalDate> months(LocalDate start, LocalDate end) {
        List<LocalDate> months = new ArrayList<>();
        for (LocalDate m = start; m.isBefore(end); m = m.plusMonths(1)) {
            months.add(m);
        }
        return months;
    }
}
