package dev.billingsync.atlas;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.web.reactive.function.client.WebClientException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The retry policy of one logical Atlas call, as a Reactor {@link reactor.util.retry.Retry}: 429 and 503 wait for
 * {@code Retry-After} (seconds or HTTP-date, capped by {@code max-retry-after}), anything else retryable waits an
 * exponential back-off with full jitter between {@code initial-backoff} and {@code max-backoff}; other 5xx and I/O
 * errors are retried, other 4xx (and 401 after the auth filter's single re-try) never. A wait that would pass the
 * call's deadline is not started: the call fails at once with the last error.
 *
 * <p>Attempts signal their failure as a {@link Failure}, which carries the classified {@link AtlasApiException} and
 * the server's {@code Retry-After}; {@link #unwrap(Throwable)} turns it back into the exception callers see.
 */
final class AtlasRetry extends reactor.util.retry.Retry {

    private static final Logger log = LoggerFactory.getLogger(AtlasRetry.class);

    private final AtlasProperties.Retry policy;
    private final String orgId;
    private final String endpoint;
    private final long deadlineNanos;
    private final AtlasMetrics metrics;
    private final Runnable onRetry;
    /** Retries are logged on Reactor threads; the sync's run and org ids come from the thread that made the call. */
    private final @Nullable Map<String, String> callersMdc = MDC.getCopyOfContextMap();

    AtlasRetry(
            AtlasProperties.Retry policy,
            String orgId,
            String endpoint,
            long deadlineNanos,
            AtlasMetrics metrics,
            Runnable onRetry) {
        this.policy = policy;
        this.orgId = orgId;
        this.endpoint = endpoint;
        this.deadlineNanos = deadlineNanos;
        this.metrics = metrics;
        this.onRetry = onRetry;
    }

    @Override
    public Publisher<?> generateCompanion(Flux<RetrySignal> retrySignals) {
        return retrySignals.concatMap(signal -> {
            Throwable error = signal.failure();
            if (!(error instanceof Failure failure) || !failure.exception().isRetryable()) {
                return Mono.error(error);
            }
            long attempt = signal.totalRetries() + 1; // attempts made so far
            if (attempt >= policy.maxAttempts()) {
                return Mono.error(error);
            }
            AtlasApiException exception = failure.exception();
            Duration delay = delay(exception.status(), failure.retryAfter(), attempt);
            if (System.nanoTime() + delay.toNanos() > deadlineNanos) {
                withCallersMdc(() -> log.debug(
                        "Atlas {} for org {}: not retrying, a wait of {} ms would pass the call deadline",
                        endpoint,
                        orgId,
                        delay.toMillis()));
                return Mono.error(error);
            }
            String reason = reason(exception);
            String asked =
                    failure.retryAfter() != null && honoursRetryAfter(exception.status()) ? " as Retry-After asks" : "";
            withCallersMdc(() -> log.warn(
                    "Atlas {} for org {} failed with {} (attempt {} of {}); retrying in {} ms{}",
                    endpoint,
                    orgId,
                    reason,
                    attempt,
                    policy.maxAttempts(),
                    delay.toMillis(),
                    asked));
            metrics.retry(endpoint, reason);
            onRetry.run();
            return Mono.delay(delay).thenReturn(attempt);
        });
    }

    /** Runs {@code logging} with the caller's MDC: this runs on Reactor threads, where the sync's MDC is not set. */
    private void withCallersMdc(Runnable logging) {
        Map<String, String> previous = MDC.getCopyOfContextMap();
        if (callersMdc != null) {
            MDC.setContextMap(callersMdc);
        }
        try {
            logging.run();
        } finally {
            if (previous != null) {
                MDC.setContextMap(previous);
            } else {
                MDC.clear();
            }
        }
    }

    private Duration delay(int status, @Nullable Duration retryAfter, long attempt) {
        if (retryAfter != null && honoursRetryAfter(status)) {
            return retryAfter.compareTo(policy.maxRetryAfter()) > 0 ? policy.maxRetryAfter() : retryAfter;
        }
        return backoff(attempt);
    }

    /** Exponential back-off with full jitter: uniform in [initial, min(max, initial * 2^(attempt - 1))]. */
    Duration backoff(long attempt) {
        long initial = policy.initialBackoff().toNanos();
        long max = policy.maxBackoff().toNanos();
        long shift = Math.min(attempt - 1, 62);
        long cap = initial > (max >> shift) ? max : Math.min(max, initial << shift);
        long jitter = cap > initial ? ThreadLocalRandom.current().nextLong(cap - initial + 1) : 0;
        return Duration.ofNanos(initial + jitter);
    }

    private static boolean honoursRetryAfter(int status) {
        return status == 429 || status == 503;
    }

    static String reason(AtlasApiException exception) {
        return exception.status() != 0 ? String.valueOf(exception.status()) : exception.errorCode();
    }

    /**
     * Parses a {@code Retry-After} value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). Returns null when absent
     * or unreadable, so that the normal back-off applies.
     */
    static @Nullable Duration parseRetryAfter(@Nullable String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        try {
            long seconds = Long.parseLong(trimmed);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime when = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration until = Duration.between(clock.instant(), when.toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    /**
     * Turns whatever an attempt failed with into a {@link Failure}: timeouts and transport errors become
     * {@link AtlasApiException#timeout} / {@link AtlasApiException#ioError}. Anything else (a bug, a local disk
     * problem) is passed through and not retried.
     */
    static Throwable classify(String endpoint, Throwable error) {
        if (error instanceof Failure) {
            return error;
        }
        if (error instanceof AtlasApiException exception) {
            return new Failure(exception, null);
        }
        if (isTimeout(error)) {
            return new Failure(AtlasApiException.timeout(endpoint, error), null);
        }
        // Transport failures reach us wrapped (WebClientRequestException before the response) or raw (while the
        // body streams in: PrematureCloseException, Netty channel errors).
        if (error instanceof WebClientException
                || error instanceof IOException
                || error instanceof io.netty.channel.ChannelException
                || error instanceof reactor.netty.channel.AbortedException) {
            return new Failure(AtlasApiException.ioError(endpoint, error), null);
        }
        return error;
    }

    static boolean isTimeout(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException
                    || t instanceof SocketTimeoutException
                    || t instanceof io.netty.handler.timeout.TimeoutException
                    || t instanceof io.netty.channel.ConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }

    static Throwable unwrap(Throwable error) {
        return error instanceof Failure failure ? failure.exception() : error;
    }

    /** An attempt's failure on its way to the retry decision. No stack trace: the cause has one. */
    static final class Failure extends RuntimeException {

        private final AtlasApiException exception;
        private final @Nullable Duration retryAfter;

        Failure(AtlasApiException exception, @Nullable Duration retryAfter) {
            super(exception.getMessage(), exception, false, false);
            this.exception = exception;
            this.retryAfter = retryAfter;
        }

        AtlasApiException exception() {
            return exception;
        }

        @Nullable
        Duration retryAfter() {
            return retryAfter;
        }
    }
}
