package dev.billingsync.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A sync run as the API shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record SyncRunResponse(
        long id,
        String orgId,
        SyncRun.Trigger trigger,
        SyncRun.Status status,
        Instant startedAt,
        @Nullable Instant finishedAt,
        int invoicesWritten,
        long lineItemsWritten,
        int usageRowsWritten,
        int atlasRequests,
        @Nullable String errorCode,
        @Nullable String errorDetail) {

    static SyncRunResponse of(SyncRun run) {
        return new SyncRunResponse(
                run.id(),
                run.orgId(),
                run.trigger(),
                run.status(),
                run.startedAt(),
                run.finishedAt(),
                run.invoicesWritten(),
                run.lineItemsWritten(),
                run.usageRowsWritten(),
                run.atlasRequests(),
                run.errorCode(),
                run.errorDetail());
    }
}
