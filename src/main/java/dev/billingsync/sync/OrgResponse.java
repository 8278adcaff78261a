package dev.billingsync.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.LocalDate;
import org.jspecify.annotations.Nullable;

/**
 * A configured organization: when its data was last synced successfully, how its latest run went, and the id of its
 * current pending invoice (absent until one is synced), and {@code historyFrom}: the first day of the oldest month
 * whose closed invoices are in sync (absent until the invoice list was first reconciled completely).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record OrgResponse(
        String id,
        @Nullable String name,
        @Nullable Instant lastSuccessfulSyncAt,
        @Nullable LastRun lastSyncRun,
        @Nullable String pendingInvoiceId,
        @Nullable LocalDate historyFrom) {

    /** The org's most recent run, whatever its outcome. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LastRun(long id, SyncRun.Status status, @Nullable Instant startedAt, @Nullable Instant finishedAt) {}

    static OrgResponse of(
            ConfiguredOrgs.ConfiguredOrg org, OrgStatusQueries.@Nullable OrgStatus status, @Nullable String pending) {
        LastRun last = status == null || status.lastRunId() == null
                ? null
                : new LastRun(status.lastRunId(), status.lastRunStatus(), status.lastRunStartedAt(),
                        status.lastRunFinishedAt());
        return new OrgResponse(org.id(), org.name(), status == null ? null : status.lastSyncSucceededAt(), last, pending,
                status == null ? null : status.historySyncedFrom());
    }
}
