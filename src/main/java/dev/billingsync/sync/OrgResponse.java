package dev.billingsync.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * An organization synced by the service: whether it is {@code configured} ({@code billing.orgs}) or {@code discovered}
 * ({@code billing.orgs-discovery}), when its data was last synced successfully, how its latest run went, the id of its
 * current pending invoice (absent until one is synced), and {@code historyFrom}: the first day of the oldest month
 * whose closed invoices are in sync (absent until the invoice list was first reconciled completely).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record OrgResponse(
        String id,
        @Nullable String name,
        String source,
        @Nullable Instant lastSuccessfulSyncAt,
        @Nullable LastRun lastSyncRun,
        @Nullable String pendingInvoiceId,
        @Nullable LocalDate historyFrom) {

    /** The org's most recent run, whatever its outcome. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LastRun(
            long id,
            SyncRun.Status status,
            @Nullable Instant startedAt,
            @Nullable Instant finishedAt) {}

    static OrgResponse of(
            ConfiguredOrg org,
            SyncedOrgs.Source source,
            OrgStatusQueries.@Nullable OrgStatus status,
            @Nullable String pending) {
        LastRun last = status == null || status.lastRunId() == null
                ? null
                : new LastRun(
                        status.lastRunId(),
                        status.lastRunStatus(),
                        status.lastRunStartedAt(),
                        status.lastRunFinishedAt());
        return new OrgResponse(
                org.id(),
                org.name(),
                source.name().toLowerCase(Locale.ROOT),
                status == null ? null : status.lastSyncSucceededAt(),
                last,
                pending,
                status == null ? null : status.historySyncedFrom());
    }
}
