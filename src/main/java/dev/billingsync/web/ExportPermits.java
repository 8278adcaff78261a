package dev.billingsync.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.http.HttpStatus;

/**
 * The per-replica cap on concurrent exports ({@code billing.api.exports.max-concurrent}) and where their spool files
 * go. A caller over the cap is told to come back later (429 with {@code Retry-After}) rather than queued: a queued
 * export would hold a request thread, and the client's timeout, while it waits.
 */
public final class ExportPermits {

    static final String TOO_MANY_EXPORTS = "TOO_MANY_EXPORTS";

    private final Semaphore permits;
    private final int max;
    private final Duration retryAfter;
    private final Path spoolDirectory;

    ExportPermits(ApiProperties.Exports properties) {
        this.max = properties.maxConcurrent();
        this.permits = new Semaphore(max);
        this.retryAfter = properties.retryAfter();
        this.spoolDirectory = properties.spoolDirectoryOrDefault();
    }

    /** A permit to run one export, or a 429 {@code TOO_MANY_EXPORTS} when every permit is taken. */
    public Permit acquire() {
        if (!permits.tryAcquire()) {
            throw ApiException.of(
                            HttpStatus.TOO_MANY_REQUESTS,
                            TOO_MANY_EXPORTS,
                            "This replica is serving " + max + " exports already; retry in " + retryAfter.toSeconds()
                                    + " seconds.")
                    .withRetryAfter(retryAfter);
        }
        return new Permit();
    }

    /** A new empty spool file; its owner deletes it. */
    public Path spoolFile(String prefix) throws IOException {
        Files.createDirectories(spoolDirectory);
        return Files.createTempFile(spoolDirectory, prefix, ".spool");
    }

    /** One running export; closing it (once or more) frees its place. */
    public final class Permit implements AutoCloseable {

        private final AtomicBoolean open = new AtomicBoolean(true);

        private Permit() {}

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                permits.release();
            }
        }
    }
}
