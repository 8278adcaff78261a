package dev.billingsync.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * The per-replica cap on concurrent exports ({@code billing.api.exports.max-concurrent}) and where their spool files
 * go. A caller over the cap is told to come back later (429 with {@code Retry-After}) rather than queued: a queued
 * export would hold a request thread, and the client's timeout, while it waits.
 */
public final class ExportPermits {

    static final String TOO_MANY_EXPORTS = "TOO_MANY_EXPORTS";
    static final String SPOOL_PREFIX = "billing-sync-export-";

    private static final Logger log = LoggerFactory.getLogger(ExportPermits.class);

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

    /** Writes an export's text to a spool file; called with a permit held and no response bytes sent. */
    @FunctionalInterface
    public interface Spooler {
        void writeTo(Writer writer) throws IOException;
    }

    /**
     * An export bounded in what it holds: {@code spooler} writes the whole body (from one snapshot, as fast as
     * PostgreSQL delivers it) into a spool file, the pooled connection goes back, and only then is the file sent at
     * the client's pace. A client that reads slowly, or not at all, holds a file and an async thread (both capped here,
     * and cut by {@code spring.mvc.async.request-timeout}), never a database connection. A 429 when the replica is
     * serving its maximum of exports.
     */
    public StreamingResponseBody spooled(Spooler spooler) {
        Permit permit = acquire();
        @Nullable Path file = null;
        try {
            file = spoolFile();
            try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                spooler.writeTo(writer);
            }
            // On Linux the file leaves the directory as soon as it is opened with DELETE_ON_CLOSE; its blocks go with
            // the channel, whichever way the body ends.
            FileChannel spool = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.DELETE_ON_CLOSE);
            return out -> {
                try (permit;
                        spool;
                        InputStream in = Channels.newInputStream(spool)) {
                    in.transferTo(out);
                }
            };
        } catch (IOException | RuntimeException e) {
            permit.close();
            deleteQuietly(file, e);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private static void deleteQuietly(@Nullable Path file, Exception failure) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** A new empty spool file; its owner deletes it. */
    public Path spoolFile() throws IOException {
        Files.createDirectories(spoolDirectory);
        return Files.createTempFile(
                spoolDirectory, SPOOL_PREFIX + ProcessHandle.current().pid() + "-", ".spool");
    }

    /**
     * Deletes the spool files a dead process left (one killed while spooling; once sending, a file is unlinked
     * already). A file is named after its process: one of a live process is left alone (the directory may be shared
     * outside a container), one of this process's id is a predecessor's, since nothing was spooled yet (in a container
     * the restarted service has the same id).
     */
    void sweepOrphans() {
        if (!Files.isDirectory(spoolDirectory)) {
            return;
        }
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(spoolDirectory, SPOOL_PREFIX + "*.spool")) {
            for (Path file : files) {
                String rest = file.getFileName().toString().substring(SPOOL_PREFIX.length());
                int dash = rest.indexOf('-');
                long pid = dash > 0 && rest.substring(0, dash).chars().allMatch(Character::isDigit)
                        ? Long.parseLong(rest.substring(0, dash))
                        : -1;
                if (pid == self || (pid > 0 && ProcessHandle.of(pid).isEmpty())) {
                    Files.deleteIfExists(file);
                    log.info("Deleted spool file {} left by a process that died while exporting", file.getFileName());
                }
            }
        } catch (IOException e) {
            log.warn("Could not sweep old export spool files in {}: {}", spoolDirectory, e.toString());
        }
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
