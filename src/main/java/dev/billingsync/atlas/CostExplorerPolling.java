package dev.billingsync.atlas;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * How {@link AtlasOrgSession#costExplorerUsage} polls a query: first after {@code pollInterval}, then half as long
 * again each time plus up to 20 % jitter, never longer than {@code maxPollInterval}; a query gets {@code deadline} to
 * become ready (a re-created one a new one), never past {@code until}.
 *
 * @param csv ask for the CSV form of the result instead of JSON (both carry the same rows)
 * @param waiter completes after the given wait without holding a thread (and early when the service stops)
 * @param stopping true once the service shuts down: the query is then given up, not polled again
 * @param continueOn where every step after a wait or an Atlas call continues, reading the result included
 */
public record CostExplorerPolling(
        Duration pollInterval,
        Duration maxPollInterval,
        Duration deadline,
        Instant until,
        boolean csv,
        Function<Duration, CompletableFuture<?>> waiter,
        BooleanSupplier stopping,
        Executor continueOn) {

    public CostExplorerPolling {
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(maxPollInterval, "maxPollInterval");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(waiter, "waiter");
        Objects.requireNonNull(stopping, "stopping");
        Objects.requireNonNull(continueOn, "continueOn");
    }
}
