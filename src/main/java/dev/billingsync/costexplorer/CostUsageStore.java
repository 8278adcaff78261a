package dev.billingsync.costexplorer;

import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Cost Explorer query records and usage rows. A month's rows of one org and grouping are replaced as a set in one
 * transaction, and only when the new set differs from the stored one (by content hash): readers see the old set or
 * the new one, and an unchanged result rewrites nothing.
 */
@Component
public class CostUsageStore {

    /** How a Cost Explorer query ended. */
    public enum QueryState {
        RUNNING,
        READY,
        TIMED_OUT,
        FAILED
    }

    private final CostQueryRepository queries;
    private final CostMonthRepository months;
    private final CostEntryRepository entries;
    private final EntityManager entityManager;
    private final Clock clock;

    CostUsageStore(
            CostQueryRepository queries,
            CostMonthRepository months,
            CostEntryRepository entries,
            EntityManager entityManager,
            Clock clock) {
        this.queries = queries;
        this.months = months;
        this.entries = entries;
        this.entityManager = entityManager;
        this.clock = clock;
    }

    @Transactional
    public long startQuery(
            String orgId,
            @Nullable Long syncRunId,
            String groupBy,
            LocalDate start,
            LocalDate end,
            String requestJson) {
        return queries.save(CostQuery.start(orgId, syncRunId, groupBy, start, end, requestJson, clock.instant()))
                .id();
    }

    /**
     * When the org's latest query of {@code groupBy} over exactly these months completed READY (its usage stored),
     * empty if none did.
     */
    @Transactional(readOnly = true)
    public Optional<Instant> lastReady(String orgId, String groupBy, LocalDate start, LocalDate end) {
        return queries.lastCompleted(orgId, groupBy, start, end, QueryState.READY);
    }

    @Transactional
    public void finishQuery(long queryId, QueryOutcome outcome) {
        queries.findById(queryId).ifPresent(query -> query.finish(outcome, clock.instant()));
    }

    /**
     * Replaces the usage of each queried month whose rows changed, all in one transaction. Months queried but absent
     * from {@code rowsByMonth} had no usage: their stored rows, if any, are removed. Returns the rows written.
     */
    @Transactional
    public int replaceMonths(
            String orgId,
            String groupBy,
            long queryId,
            List<LocalDate> months,
            Map<LocalDate, List<UpstreamUsageRow>> rowsByMonth) {
        int written = 0;
        for (LocalDate month : months) {
            List<UpstreamUsageRow> rows = rowsByMonth.getOrDefault(month, List.of());
            CostMonthId id = new CostMonthId(orgId, groupBy, month);
            Optional<CostMonth> stored = this.months.findForUpdate(id);
            CostMonth replaced;
            if (stored.isPresent()) {
                replaced = stored.get();
                if (!replaced.replaceWith(rows, queryId, clock.instant())) {
                    continue;
                }
                entries.deleteMonth(orgId, groupBy, month);
            } else {
                replaced = CostMonth.of(id, rows, queryId, clock.instant());
                // persist, not save: the key is ours, and save would first look the new row up
                entityManager.persist(replaced);
            }
            replaced.entries(rows).forEach(entityManager::persist);
            written += rows.size();
        }
        return written;
    }
}
