package dev.billingsync.sync;

import dev.billingsync.atlas.AtlasApiException;
import dev.billingsync.atlas.AtlasUsageDetail;
import dev.billingsync.atlas.CostExplorerUsage;
import dev.billingsync.costexplorer.CostUsageStore;
import dev.billingsync.costexplorer.CostUsageStore.QueryState;
import dev.billingsync.costexplorer.QueryOutcome;
import dev.billingsync.costexplorer.UpstreamUsageRow;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The bookkeeping of one ended Cost Explorer query ({@link CostSync}): its meters, its usage rows (the months of its
 * range replaced atomically, while this replica still holds the org's lock), its query row, and the run's totals.
 */
@Component
class CostQueryRecorder {

    private static final Logger log = LoggerFactory.getLogger(CostQueryRecorder.class);

    /** What the queries of one run wrote so far, and their first failure; its steps run one after the other. */
    static final class Totals {
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

    /** One query of a run: its row, grouping and month range. */
    record Query(String orgId, String groupBy, long queryId, LocalDate start, LocalDate end) {}

    private final CostUsageStore store;
    private final OrgSyncLock locks;
    private final TransactionTemplate transaction;
    private final MeterRegistry meters;

    CostQueryRecorder(CostUsageStore store, OrgSyncLock locks, TransactionTemplate transaction, MeterRegistry meters) {
        this.store = store;
        this.locks = locks;
        this.transaction = transaction;
        this.meters = meters;
    }

    /** Records how {@code query} ended; a lost lock is recorded on the query and rethrown. */
    void finish(Query query, CostExplorerUsage usage, Timer.Sample sample, Totals totals) {
        String groupBy = query.groupBy();
        QueryState state = QueryState.valueOf(usage.status().name());
        sample.stop(meters.timer("billing.costexplorer.query.duration", "outcome", state.name()));
        DistributionSummary.builder("billing.costexplorer.query.polls")
                .description("Polls a Cost Explorer query needed")
                .register(meters)
                .record(usage.polls());
        meters.counter("billing.costexplorer.queries", "outcome", state.name(), "group_by", groupBy)
                .increment();
        if (state == QueryState.READY) {
            try {
                AtlasApiException unreadable = usage.unreadable();
                if (unreadable != null) {
                    throw unreadable;
                }
                List<AtlasUsageDetail> details = usage.rows();
                Map<LocalDate, List<UpstreamUsageRow>> byMonth = byMonth(groupBy, details);
                totals.written += transaction.execute(tx -> {
                    int replaced = store.replaceMonths(
                            query.orgId(), groupBy, query.queryId(), months(query.start(), query.end()), byMonth);
                    locks.fence(query.orgId());
                    return replaced;
                });
                finishQuery(query, QueryState.READY, usage, details.size(), null, null);
            } catch (LockLostException e) {
                finishQuery(query, QueryState.FAILED, usage, null, "LOCK_LOST", e.getMessage());
                throw e;
            } catch (AtlasApiException e) {
                finishQuery(query, QueryState.FAILED, usage, null, e.errorCode(), e.getMessage());
                totals.failed("COST_EXPLORER_" + e.errorCode(), "Cost Explorer by " + groupBy + ": " + e.getMessage());
            }
        } else {
            String code = state == QueryState.TIMED_OUT ? "COST_EXPLORER_TIMED_OUT" : "COST_EXPLORER_FAILED";
            finishQuery(query, state, usage, null, code, usage.detail());
            totals.failed(code, "Cost Explorer by " + groupBy + ": " + usage.detail());
            log.warn(
                    "Cost Explorer query by {} for org {} ended {}: {}", groupBy, query.orgId(), state, usage.detail());
        }
    }

    private void finishQuery(
            Query query,
            QueryState state,
            CostExplorerUsage usage,
            @Nullable Integer rows,
            @Nullable String errorCode,
            @Nullable String errorDetail) {
        store.finishQuery(
                query.queryId(),
                new QueryOutcome(state, usage.token(), usage.polls(), usage.recreated(), rows, errorCode, errorDetail));
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
