package dev.billingsync.costexplorer;

import dev.billingsync.costexplorer.CostUsageStore.QueryState;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.LocalDate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.jspecify.annotations.Nullable;

/** One Cost Explorer query the sync made: its request as sent, then how polling went and how it ended. */
@Entity
@Table(name = "cost_explorer_queries")
class CostQuery {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private @Nullable Long id;

    @Column(name = "org_id", nullable = false, updatable = false)
    private String orgId;

    @Column(name = "sync_run_id", updatable = false)
    private @Nullable Long syncRunId;

    @Column(name = "group_by", nullable = false, updatable = false)
    private String groupBy;

    @Column(name = "start_date", nullable = false, updatable = false)
    private LocalDate startDate;

    @Column(name = "end_date", nullable = false, updatable = false)
    private LocalDate endDate;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, updatable = false)
    private String request;

    private @Nullable String token;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private QueryState state;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "completed_at")
    private @Nullable Instant completedAt;

    @Column(nullable = false)
    private int polls;

    @Column(nullable = false)
    private int recreated;

    @Column(name = "rows_returned")
    private @Nullable Integer rowsReturned;

    @Column(name = "error_code")
    private @Nullable String errorCode;

    @Column(name = "error_detail")
    private @Nullable String errorDetail;

    protected CostQuery() {}

    private CostQuery(
            String orgId,
            @Nullable Long syncRunId,
            String groupBy,
            LocalDate startDate,
            LocalDate endDate,
            String request,
            Instant createdAt) {
        this.orgId = orgId;
        this.syncRunId = syncRunId;
        this.groupBy = groupBy;
        this.startDate = startDate;
        this.endDate = endDate;
        this.request = request;
        this.createdAt = createdAt;
        this.state = QueryState.RUNNING;
    }

    static CostQuery start(
            String orgId,
            @Nullable Long syncRunId,
            String groupBy,
            LocalDate start,
            LocalDate end,
            String requestJson,
            Instant now) {
        return new CostQuery(orgId, syncRunId, groupBy, start, end, requestJson, now);
    }

    void finish(QueryOutcome outcome, Instant now) {
        this.state = outcome.state();
        this.token = outcome.token();
        this.polls = outcome.polls();
        this.recreated = outcome.recreated();
        this.rowsReturned = outcome.rowsReturned();
        this.errorCode = outcome.errorCode();
        this.errorDetail = outcome.errorDetail();
        this.completedAt = now;
    }

    long id() {
        if (id == null) {
            throw new IllegalStateException("Cost Explorer query not saved yet");
        }
        return id;
    }
}
