package dev.billingsync.atlas;

import dev.billingsync.atlas.CostExplorerUsage.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * One Cost Explorer query from creation to its end: created, then polled with growing, jittered waits until ready or
 * past its deadline, re-created once if Atlas forgot its token; a ready result is read into rows and its spooled body
 * deleted. No step holds a thread while it waits; each continues on {@link CostExplorerPolling#continueOn()}.
 */
final class CostExplorerPollLoop {

    private final CostExplorerCalls calls;
    private final AtlasCostExplorerReader reader;
    private final CostExplorerPolling polling;
    private final Clock clock;
    private final CostExplorerFormat format;

    CostExplorerPollLoop(
            CostExplorerCalls calls, AtlasCostExplorerReader reader, CostExplorerPolling polling, Clock clock) {
        this.calls = calls;
        this.reader = reader;
        this.polling = polling;
        this.clock = clock;
        this.format = polling.csv() ? CostExplorerFormat.CSV : CostExplorerFormat.JSON;
    }

    /** Where one query stands between two polls; touched by one step at a time. */
    private static final class Progress {
        String token;
        int polls;
        int recreated;
        Duration wait;
        Instant deadline;

        Progress(String token, Duration wait, Instant deadline) {
            this.token = token;
            this.wait = wait;
            this.deadline = deadline;
        }

        CostExplorerUsage end(Status status, @Nullable String detail) {
            return new CostExplorerUsage(status, token, polls, recreated, List.of(), null, detail);
        }
    }

    /** Creates the query and polls it until ready, unknown twice, or past the deadline. */
    CompletableFuture<CostExplorerUsage> run(CostExplorerRequest request) {
        Instant deadline = deadline();
        return calls.createCostExplorerQueryAsync(request)
                .thenComposeAsync(
                        token -> pollLater(request, new Progress(token, polling.pollInterval(), deadline)),
                        polling.continueOn());
    }

    /** Waits (no thread held), then polls once, and goes on from what the poll said. */
    private CompletableFuture<CostExplorerUsage> pollLater(CostExplorerRequest request, Progress progress) {
        if (clock.instant().plus(progress.wait).isAfter(progress.deadline)) {
            return CompletableFuture.completedFuture(progress.end(
                    Status.TIMED_OUT,
                    "not ready after " + progress.polls + " poll(s) by its deadline (" + polling.deadline()
                            + " per query, within the run's billing.sync.org-time-budget)"));
        }
        return polling.waiter()
                .apply(progress.wait)
                .thenComposeAsync(
                        ignored -> polling.stopping().getAsBoolean()
                                ? CompletableFuture.completedFuture((CostExplorerPoll) null)
                                : calls.pollCostExplorerQueryAsync(progress.token, format),
                        polling.continueOn())
                .thenComposeAsync(poll -> next(request, progress, poll), polling.continueOn());
    }

    private CompletableFuture<CostExplorerUsage> next(
            CostExplorerRequest request, Progress progress, @Nullable CostExplorerPoll poll) {
        if (poll == null) {
            return CompletableFuture.completedFuture(progress.end(
                    Status.FAILED, "the service shut down while the query was processing; the next run asks again"));
        }
        progress.polls++;
        if (poll instanceof CostExplorerPoll.Ready ready) {
            return CompletableFuture.completedFuture(read(progress, ready));
        }
        if (poll instanceof CostExplorerPoll.UnknownToken) {
            if (progress.recreated > 0) {
                return CompletableFuture.completedFuture(progress.end(
                        Status.FAILED, "Atlas did not know the query's token, even after creating it again"));
            }
            // A new query gets a deadline of its own; this happens at most once per query.
            return calls.createCostExplorerQueryAsync(request)
                    .thenComposeAsync(
                            token -> {
                                progress.token = token;
                                progress.recreated++;
                                progress.deadline = deadline();
                                progress.wait = polling.pollInterval();
                                return pollLater(request, progress);
                            },
                            polling.continueOn());
        }
        progress.wait = grown(progress.wait);
        return pollLater(request, progress);
    }

    /** The rows of a ready result, or why it could not be read; its spooled body is deleted either way. */
    private CostExplorerUsage read(Progress progress, CostExplorerPoll.Ready ready) {
        try (AtlasPayload payload = ready.payload()) {
            List<AtlasUsageDetail> rows = reader.read(payload, ready.format());
            return new CostExplorerUsage(
                    Status.READY, progress.token, progress.polls, progress.recreated, rows, null, null);
        } catch (AtlasApiException unreadable) {
            return new CostExplorerUsage(
                    Status.READY, progress.token, progress.polls, progress.recreated, List.of(), unreadable, null);
        }
    }

    private Instant deadline() {
        Instant deadline = clock.instant().plus(polling.deadline());
        return deadline.isBefore(polling.until()) ? deadline : polling.until();
    }

    /** Half as long again, plus up to 20 % jitter, within [poll-interval, max-poll-interval]. */
    private Duration grown(Duration wait) {
        long grown = wait.toMillis() * 3 / 2;
        long jitter = ThreadLocalRandom.current().nextLong(grown / 5 + 1);
        long millis = Math.min(grown + jitter, polling.maxPollInterval().toMillis());
        return Duration.ofMillis(Math.max(millis, polling.pollInterval().toMillis()));
    }
}
