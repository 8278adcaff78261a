package dev.billingsync.orgs;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A configured Atlas organization and the bookkeeping of its sync (never kept on invoice rows). */
@Entity
@Table(name = "organizations")
class Organization {

    @Id
    private String id;

    private @Nullable String name;

    @Column(name = "pending_payload_sha256")
    private @Nullable String pendingPayloadSha256;

    @Column(name = "last_sync_succeeded_at")
    private @Nullable Instant lastSyncSucceededAt;

    @Column(name = "last_sync_run_id")
    private @Nullable Long lastSyncRunId;

    @Column(name = "history_synced_from")
    private @Nullable LocalDate historySyncedFrom;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    protected Organization() {}

    Organization(String id, @Nullable String name, Instant createdAt) {
        this.id = id;
        this.name = name;
        this.createdAt = createdAt;
    }

    String id() {
        return id;
    }

    @Nullable
    String name() {
        return name;
    }

    @Nullable
    Instant lastSyncSucceededAt() {
        return lastSyncSucceededAt;
    }

    @Nullable
    String pendingPayloadSha256() {
        return pendingPayloadSha256;
    }

    void rename(@Nullable String newName) {
        if (!Objects.equals(name, newName)) {
            this.name = newName;
        }
    }

    /** Remembers the exact pending-invoices payload now stored, so an identical one next time costs no parsing. */
    void storedPendingPayload(String sha256) {
        if (!sha256.equals(pendingPayloadSha256)) {
            this.pendingPayloadSha256 = sha256;
        }
    }

    /** The first day of the oldest month whose closed invoices were last reconciled completely; null before. */
    @Nullable
    LocalDate historySyncedFrom() {
        return historySyncedFrom;
    }

    /** The invoice list from {@code from} on was reconciled without a failure. */
    void historySyncedFrom(LocalDate from) {
        if (!from.equals(historySyncedFrom)) {
            this.historySyncedFrom = from;
        }
    }

    /** A run of this org ended; {@code succeededAt} is when, if it succeeded. */
    void finishedRun(long runId, @Nullable Instant succeededAt) {
        this.lastSyncRunId = runId;
        if (succeededAt != null) {
            this.lastSyncSucceededAt = succeededAt;
        }
    }

    KnownOrg view() {
        return new KnownOrg(id, name, lastSyncSucceededAt, historySyncedFrom);
    }
}
