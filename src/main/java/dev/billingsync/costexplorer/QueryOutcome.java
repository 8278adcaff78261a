package dev.billingsync.costexplorer;

import dev.billingsync.costexplorer.CostUsageStore.QueryState;
import org.jspecify.annotations.Nullable;

/**
 * How a Cost Explorer query ended: its state, the token it polled, how many polls and re-creations it took, the rows
 * Atlas returned (when READY) or why it failed.
 */
public record QueryOutcome(
        QueryState state,
        @Nullable String token,
        int polls,
        int recreated,
        @Nullable Integer rowsReturned,
        @Nullable String errorCode,
        @Nullable String errorDetail) {}
