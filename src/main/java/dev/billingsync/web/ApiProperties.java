package dev.billingsync.web;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of the API's reads ({@code billing.api.*}).
 *
 * @param exports the bulk downloads (CSV)
 * @param responseCache the bodies of reads kept in memory by the version of what they show
 */
@ConfigurationProperties("billing.api")
@Validated
record ApiProperties(
        @DefaultValue @Valid Exports exports,
        @DefaultValue @Valid ResponseCache responseCache) {

    /**
     * An export is read from one database snapshot into a spool file as fast as PostgreSQL answers, then sent from
     * the file at the client's pace, so a slow client never holds a pooled connection. The cap bounds what exports
     * take of one replica at once: database connections while spooling, disk and async threads while sending.
     *
     * @param maxConcurrent exports a replica serves at once; one more is a 429 {@code TOO_MANY_EXPORTS}
     * @param retryAfter the {@code Retry-After} of that 429
     * @param spoolDirectory where spool files go; the JVM's temporary directory when unset
     */
    record Exports(
            @DefaultValue("4") @Min(1) @Max(64) int maxConcurrent,
            @DefaultValue("30s") Duration retryAfter,
            @Nullable Path spoolDirectory) {

        Path spoolDirectoryOrDefault() {
            return spoolDirectory != null ? spoolDirectory : Path.of(System.getProperty("java.io.tmpdir"));
        }
    }

    /**
     * Bodies of invoice reads kept in memory, each under the version of the rows it shows (checked by one statement
     * per request) and the request URL as the body's links see it.
     *
     * @param maxSize memory the kept bodies take at most on one replica; {@code 0} keeps none
     * @param maxEntrySize a body larger than this is streamed as always and not kept
     */
    record ResponseCache(
            @DefaultValue("32MB") @NotNull DataSize maxSize,
            @DefaultValue("1MB") @NotNull DataSize maxEntrySize) {

        @AssertTrue(message = "max-size and max-entry-size must not be negative, nor max-entry-size above max-size")
        boolean isMaxEntrySizeWithinMaxSize() {
            return !maxSize.isNegative()
                    && !maxEntrySize.isNegative()
                    && (maxSize.toBytes() == 0 || maxEntrySize.toBytes() <= maxSize.toBytes());
        }
    }
}
