package dev.billingsync.simulator;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A scripted misbehaviour for one request (see {@link AtlasSimulator#enqueueFault}).
 *
 * <p>Faults that replace the answer ({@link Status}, {@link TooManyRequests}, {@link ConnectionReset}) are served
 * before the org's rate-limit bucket and cost no token. Faults that damage a normal answer ({@link Delay},
 * {@link TruncatedBody}, {@link MalformedBody}) go through the bucket like the request they spoil.
 */
public sealed interface Fault {

    /** An Atlas error body ({@code error}, {@code errorCode}, {@code reason}, {@code detail}) with that status. */
    static Fault status(int status) {
        return new Status(status);
    }

    /** 429 {@code RATE_LIMITED} with {@code Retry-After: <whole seconds, rounded up>}. */
    static Fault tooManyRequests(Duration retryAfter) {
        return new TooManyRequests(Objects.requireNonNull(retryAfter, "retryAfter"));
    }

    /** 429 {@code RATE_LIMITED} without a {@code Retry-After} header (the docs say it may be absent). */
    static Fault tooManyRequestsWithoutRetryAfter() {
        return new TooManyRequests(null);
    }

    /** The normal answer, but only after the delay. */
    static Fault delay(Duration delay) {
        return new Delay(delay);
    }

    /** Closes the socket abruptly (SO_LINGER 0, so the client sees a TCP reset) without any response. */
    static Fault connectionReset() {
        return new ConnectionReset();
    }

    /** The normal status line and headers with the full Content-Length, then about half of the body, then close. */
    static Fault truncatedBody() {
        return new TruncatedBody();
    }

    /** 200 with the endpoint's content type and a body that is not valid JSON. */
    static Fault malformedBody() {
        return new MalformedBody();
    }

    record Status(int status) implements Fault {
        public Status {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("A fault status must be an error status (400-599): " + status);
            }
        }
    }

    record TooManyRequests(@Nullable Duration retryAfter) implements Fault {
        public TooManyRequests {
            if (retryAfter != null && retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
            }
        }
    }

    record Delay(Duration delay) implements Fault {
        public Delay {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative: " + delay);
            }
        }
    }

    record ConnectionReset() implements Fault {}

    record TruncatedBody() implements Fault {}

    record MalformedBody() implements Fault {}
}
