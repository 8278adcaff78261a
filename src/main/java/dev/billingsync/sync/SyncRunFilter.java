package dev.billingsync.sync;

import dev.billingsync.web.AtlasId;
import dev.billingsync.web.EnumParameter;
import io.swagger.v3.oas.annotations.Parameter;
import org.jspecify.annotations.Nullable;

/** Which sync runs to list, bound from the query string; no value means no filter on it. */
record SyncRunFilter(
        @Parameter(description = "Only runs of this org") @AtlasId @Nullable
        String orgId,

        @Parameter(description = "RUNNING, SUCCEEDED, PARTIAL or FAILED") @Nullable
        String status) {

    /** The status asked for, or {@code null} for every status; a 400 naming {@code status} if it names none. */
    SyncRun.@Nullable Status statusValue() {
        return status == null
                ? null
                : EnumParameter.of("status", SyncRun.Status.class).parse(status);
    }
}
