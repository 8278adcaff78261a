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
 * forgot its token. Each completed query replaces, atomically, the months whose rows changed.
 */
@Component
class CostSync {

    private static final Logger log = LoggerFactory.getLogger(CostSync.class);

    /** What the Cost Explorer part of a run did: rows written, and the first failure if any query failed. */
    record Result(int usageRowsWritten, @Nullable String errorCode, @Nullable String errorDetail) {

        boolean failed() {
            return errorCode != null;
        }
    }

    /** How one query ended. */
    private record Outcome(QueryState state, @Nullable String token, int polls, int recreated,
            CostExplorerPoll.@Nullable Ready ready, @Nullable String detail) {}

    private final CostExplorerProperties properties;
    private final AtlasCostExplorerReader reader;
    private final CostUsageStore store;
    private final InvoiceQueries invoices;
    private final Clock clock;
    private final MeterRegistry meters;
    private final SyncShutdown shutdown;
    private final OrgSyncLock locks;
    private final TransactionTemplate transaction;
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
            TransactionTemplate transaction) {
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

    /** Runs the org's queries; none polls past {@code until}, the run's time budget. */
    Result sync(String orgId, long syncRunId, AtlasOrgSession session, Instant until) {
        LocalDate currentMonth = LocalDate.now(clock.withZone(ZoneOffset.UTC)).withDayOfMonth(1);
        LocalDate start = currentMonth.minusMonths(properties.months() - 1L);
        LocalDate end = currentMonth.plusMonths(1);
        int written = 0;
        String errorCode = null;
        String errorDetail = null;
        for (String groupBy : properties.groupBy()) {
            CostExplorerRequest request = request(orgId, groupBy, start, end);
            if (request == null) {
                log.info("Cost Explorer by {} skipped for org {}: no {} in its invoices yet", groupBy, orgId, groupBy);
                continue;
            }
            long queryId = store.startQuery(orgId, syncRunId, groupBy, start, end, json.writeValueAsString(request));
            Timer.Sample sample = Timer.start(meters);
            Outcome outcome;
            try {
                outcome = run(session, request, until);
            } catch (AtlasApiException e) {
                outcome = new Outcome(QueryState.FAILED, null, 0, 0, null, e.getMessage());
                errorCode = errorCode == null ? "COST_EXPLORER_" + e.errorCode() : errorCode;
                errorDetail = errorDetail == null ? "Cost Explorer by " + groupBy + ": " + e.getMessage() : errorDetail;
            }
            sample.stop(meters.timer("billing.costexplorer.query.duration", "outcome", outcome.state().name()));
            DistributionSummary.builder("billing.costexplorer.query.polls")
                    .description("Polls a Cost Explorer query needed")
                    .register(meters)
                    .record(outcome.polls());
            meters.counter("billing.costexplorer.queries", "outcome", outcome.state().name(), "group_by", groupBy)
                    .increment();
            if (outcome.state() == QueryState.READY) {
                try (var payload = outcome.ready().payload()) {
                    List<AtlasUsageDetail> details = reader.read(payload, outcome.ready().format());
                    Map<LocalDate, List<UpstreamUsageRow>> byMonth = byMonth(groupBy, details);
                    written += transaction.execute(tx -> {
                        int replaced = store.replaceMonths(orgId, groupBy, queryId, months(start, end), byMonth);
                        locks.fence(orgId);
                        return replaced;
                    });
                    store.finishQuery(queryId, QueryState.READY, outcome.token(), outcome.polls(), outcome.recreated(),
                            details.size(), null, null);
                } catch (LockLostException e) {
                    store.finishQuery(queryId, QueryState.FAILED, outcome.token(), outcome.polls(),
                            outcome.recreated(), null, "LOCK_LOST", e.getMessage());
                    throw e;
                } catch (AtlasApiException e) {
                    store.finishQuery(queryId, QueryState.FAILED, outcome.token(), outcome.polls(),
                            outcome.recreated(), null, e.errorCode(), e.getMessage());
                    errorCode = errorCode == null ? "COST_EXPLORER_" + e.errorCode() : errorCode;
                    errorDetail = errorDetail == null ? "Cost Explorer by " + groupBy + ": " + e.getMessage() : errorDetail;
                }
            } else {
                String code = outcome.state() == QueryState.TIMED_OUT ? "COST_EXPLORER_TIMED_OUT" : "COST_EXPLORER_FAILED";
                store.finishQuery(queryId, outcome.state(), outcome.token(), outcome.polls(), outcome.recreated(), null,
                        code, outcome.detail());
                if (errorCode == null) {
                    errorCode = code;
                    errorDetail = "Cost Explorer by " + groupBy + ": " + outcome.detail();
                }
                log.warn("Cost Explorer query by {} for org {} ended {}: {}", groupBy, orgId, outcome.state(),
                        outcome.detail());
            }
        }
        return new Result(written, errorCode, errorDetail);
    }

    /** Creates the query and polls it until ready, unknown twice, or past the deadline. */
    private Outcome run(AtlasOrgSession session, CostExplorerRequest request, Instant until) {
        CostExplorerFormat format = CostExplorerFormat.valueOf(properties.format().name());
        Instant deadline = earliest(clock.instant().plus(properties.deadline()), until);
        String token = session.createCostExplorerQuery(request);
        int polls = 0;
        int recreated = 0;
        Duration wait = properties.pollInterval();
        while (true) {
            if (clock.instant().plus(wait).isAfter(deadline)) {
                return new Outcome(QueryState.TIMED_OUT, token, polls, recreated, null,
                        "not ready after " + polls + " poll(s) by its deadline (" + properties.deadline()
                                + " per query, within the run's billing.sync.org-time-budget)");
            }
            pause(wait);
            if (shutdown.stopping()) {
                return new Outcome(QueryState.FAILED, token, polls, recreated, null,
                        "the service shut down while the query was processing; the next run asks again");
            }
            CostExplorerPoll poll = session.pollCostExplorerQuery(token, format);
            polls++;
            if (poll instanceof CostExplorerPoll.Ready ready) {
                return new Outcome(QueryState.READY, token, polls, recreated, ready, null);
            }
            if (poll instanceof CostExplorerPoll.UnknownToken) {
                if (recreated > 0) {
                    return new Outcome(QueryState.FAILED, token, polls, recreated, null,
                            "Atlas did not know the query's token, even after creating it again");
                }
                // A new query gets a deadline of its own; this happens at most once per query.
                token = session.createCostExplorerQuery(request);
                recreated++;
                deadline = earliest(clock.instant().plus(properties.deadline()), until);
                wait = properties.pollInterval();
                continue;
            }
            wait = next(wait);
        }
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

    /** Waits between polls, waking early when the service starts shutting down. */
    private void pause(Duration wait) {
        long end = System.nanoTime() + wait.toNanos();
        try {
            for (long left = wait.toNanos(); left > 0 && !shutdown.stopping(); left = end - System.nanoTime()) {
                Thread.sleep(Math.max(1, Math.min(250, left / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AtlasApiException.timeout("Cost Explorer polling (interrupted)", e);
        }
    }

    /** The request for one grouping, or null when the dimension has no filter values to send yet. */
    private @Nullable CostExplorerRequest request(String orgId, String groupBy, LocalDate start, LocalDate end) {
        Boolean partial = properties.includePartialMatches() ? Boolean.TRUE : null;
        List<String> orgs = List.of(orgId);
        return switch (groupBy) {
            case "services" -> new CostExplorerRequest(
                    start, end, orgs, null, null, properties.services(), groupBy, partial);
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
