package dev.billingsync.sync;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One sync of one organization: who started it, how it ended, what it wrote and how many Atlas calls it cost. */
@Entity
@Table(name = "sync_runs")
class SyncRun {

    public enum Trigger {
        STARTUP,
        SCHEDULED,
        MANUAL
    }

    public enum Status {
        RUNNING,
        SUCCEEDED,
        PARTIAL,
        FAILED
    }

    /** Error detail is free text for people; it is capped so a pathological message cannot bloat the table. */
    private static final int MAX_DETAIL = 2000;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private @Nullable Long id;

    @Column(name = "org_id", nullable = false, updatable = false)
    private String orgId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    private Trigger trigger;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Status status;

    @Column(name = "tick_at", updatable = false)
    private @Nullable Instant tickAt;

    @Column(name = "started_at", nullable = false, updatable = false)
    private Instant startedAt;

    @Column(name = "finished_at")
    private @Nullable Instant finishedAt;

    @Column(name = "invoices_written", nullable = false)
    private int invoicesWritten;

    @Column(name = "line_items_written", nullable = false)
    private int lineItemsWritten;

    @Column(name = "usage_rows_written", nullable = false)
    private int usageRowsWritten;

    @Column(name = "atlas_requests", nullable = false)
    private int atlasRequests;

    @Column(name = "error_code")
    private @Nullable String errorCode;

    @Column(name = "error_detail")
    private @Nullable String errorDetail;

    @Column(nullable = false, updatable = false)
    private String runner;

    protected SyncRun() {}

    private SyncRun(String orgId, Trigger trigger, @Nullable Instant tickAt, Instant startedAt, String runner) {
        this.orgId = orgId;
        this.trigger = trigger;
        this.tickAt = tickAt;
        this.startedAt = startedAt;
        this.runner = runner;
        this.status = Status.RUNNING;
    }

    static SyncRun start(String orgId, Trigger trigger, @Nullable Instant tickAt, Instant now, String runner) {
        return new SyncRun(orgId, trigger, tickAt, now, runner);
    }

    void succeed(SyncCounts counts, Instant now) {
        finish(Status.SUCCEEDED, counts, null, null, now);
    }

    void fail(SyncCounts counts, String code, String detail, Instant now) {
        finish(Status.FAILED, counts, code, detail, now);
    }

    /** Some parts of the run (invoices, Cost Explorer) succeeded and their data is stored; another failed. */
    void partiallySucceed(SyncCounts counts, String code, String detail, Instant now) {
        finish(Status.PARTIAL, counts, code, detail, now);
    }

    /** The replica running this died or was stopped before it could record the end. */
    void abandon(Instant now) {
        finish(
                Status.FAILED,
                new SyncCounts(invoicesWritten, lineItemsWritten, usageRowsWritten, atlasRequests),
                "ABANDONED",
                "The replica running this sync stopped before it finished; nothing it wrote was committed"
                        + " unless its transaction had completed.",
                now);
    }

    private void finish(Status status, SyncCounts counts, @Nullable String code, @Nullable String detail, Instant now) {
        if (this.status != Status.RUNNING) {
            throw new IllegalStateException("Sync run " + id + " already ended as " + this.status);
        }
        this.status = status;
        this.invoicesWritten = counts.invoicesWritten();
        this.lineItemsWritten = Math.toIntExact(counts.lineItemsWritten());
        this.usageRowsWritten = counts.usageRowsWritten();
        this.atlasRequests = counts.atlasRequests();
        this.errorCode = code;
        this.errorDetail = detail == null || detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL);
        this.finishedAt = now;
    }

    public Long id() {
        if (id == null) {
            throw new IllegalStateException("Sync run not saved yet");
        }
        return id;
    }

    public String orgId() {
        return orgId;
    }

    public Trigger trigger() {
        return trigger;
    }

    public Status status() {
        return status;
    }

    public @Nullable Instant tickAt() {
        return tickAt;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public @Nullable Instant finishedAt() {
        return finishedAt;
    }

    public int invoicesWritten() {
        return invoicesWritten;
    }

    public int lineItemsWritten() {
        return lineItemsWritten;
    }

    public int usageRowsWritten() {
        return usageRowsWritten;
    }

    public int atlasRequests() {
        return atlasRequests;
    }

    public @Nullable String errorCode() {
        return errorCode;
    }

    public @Nullable String errorDetail() {
        return errorDetail;
    }

    public String runner() {
        return runner;
    }
}
