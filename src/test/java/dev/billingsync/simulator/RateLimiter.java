package dev.billingsync.simulator;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Atlas' per-org token bucket for the "Invoices" endpoint set: every request takes one token; {@code refillAmount}
 * tokens come back at the end of each {@code refillPeriod}, up to {@code capacity}. Refill is stepwise, as the docs'
 * sample ("Please retry after 55 seconds ... Refill rate: 5 per 60 seconds") implies.
 */
final class RateLimiter {

    record Config(int capacity, int refillAmount, Duration refillPeriod) {
        Config {
            if (capacity < 1 || refillAmount < 1 || refillPeriod.isNegative() || refillPeriod.isZero()) {
                throw new IllegalArgumentException("capacity and refillAmount must be at least 1 and refillPeriod "
                        + "positive: " + capacity + ", " + refillAmount + ", " + refillPeriod);
            }
        }
    }

    /** @param retryAfterSeconds whole seconds until the next refill, at least 1; 0 when allowed */
    record Decision(boolean allowed, int limit, long remaining, long retryAfterSeconds, Config config) {}

    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile Config config = new Config(500, 100, Duration.ofSeconds(60));

    RateLimiter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** New limits for every org; all buckets start full again. */
    void configure(Config newConfig) {
        config = newConfig;
        buckets.clear();
    }

    Decision acquire(String orgId) {
        Config current = config;
        return buckets.computeIfAbsent(orgId, id -> new Bucket(current, nanoTime.getAsLong()))
                .acquire(nanoTime.getAsLong());
    }

    long remaining(String orgId) {
        Bucket bucket = buckets.get(orgId);
        return bucket == null ? config.capacity() : bucket.remaining(nanoTime.getAsLong());
    }

    private static final class Bucket {

        private final Config config;
        private long tokens;
        private long lastRefill;

        Bucket(Config config, long now) {
            this.config = config;
            this.tokens = config.capacity();
            this.lastRefill = now;
        }

        synchronized Decision acquire(long now) {
            refill(now);
            if (tokens > 0) {
                tokens--;
                return new Decision(true, config.capacity(), tokens, 0, config);
            }
            long waitNanos = lastRefill + config.refillPeriod().toNanos() - now;
            long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
            return new Decision(false, config.capacity(), 0, seconds, config);
        }

        synchronized long remaining(long now) {
            refill(now);
            return tokens;
        }

        private void refill(long now) {
            long period = config.refillPeriod().toNanos();
            long periods = (now - lastRefill) / period;
            if (periods > 0) {
                tokens = Math.min(config.capacity(), tokens + periods * config.refillAmount());
                lastRefill += periods * period;
            }
        }
    }
}
