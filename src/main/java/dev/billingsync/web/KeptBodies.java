package dev.billingsync.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Enumeration;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/**
 * Response bodies kept in memory, each under the version of the database rows it was written from and the request
 * URL as its links see it (scheme, host, path and every query parameter, so {@code pretty}, {@code envelope}, paging
 * and filters too). A handler reads the current version in the request's own snapshot (one statement) and sends the
 * kept body only when that version is the one the body was written from; any change of the rows gives a new version,
 * so a reader never gets a body the database no longer holds. Bounded by {@code billing.api.response-cache.*}: at most
 * {@code max-size} bytes in all (least recently and least frequently used go first, Caffeine's W-TinyLFU), a body
 * larger than {@code max-entry-size} is never kept, one not asked for in an hour is dropped. Hits, misses and evictions are the {@code cache_*} meters tagged
 * {@code cache=api.responses}. A request with {@code Cache-Control: no-cache} is read afresh.
 */
final class KeptBodies {

    /** A body nobody asked for in this long is dropped, whatever room is left. */
    private static final Duration IDLE = Duration.ofHours(1);

    private final @Nullable Cache<String, byte[]> bodies;
    private final int maxEntrySize;

    KeptBodies(ApiProperties.ResponseCache limits, @Nullable MeterRegistry meters) {
        long maxSize = limits.maxSize().toBytes();
        this.maxEntrySize = (int) Math.min(limits.maxEntrySize().toBytes(), Integer.MAX_VALUE - 8);
        if (maxSize == 0 || maxEntrySize == 0) {
            this.bodies = null;
        } else {
            this.bodies = Caffeine.newBuilder()
                    .maximumWeight(maxSize)
                    .<String, byte[]>weigher((key, body) -> key.length() * 2 + body.length)
                    .expireAfterAccess(IDLE)
                    .recordStats()
                    .build();
            if (meters != null) {
                CaffeineCacheMetrics.monitor(meters, bodies, "api.responses");
            }
        }
    }

    /**
     * The key of version {@code version} of what {@code request} shows: the version and the URL the request's links
     * are built from ({@code ServletUriComponentsBuilder.fromRequest}: scheme, host, port, path and query string).
     */
    static String key(String version, HttpServletRequest request) {
        StringBuffer url = request.getRequestURL();
        String query = request.getQueryString();
        if (query != null) {
            url.append('?').append(query);
        }
        return version + ' ' + url;
    }

    /**
     * Whether the request asks for a body read afresh ({@code Cache-Control: no-cache}, RFC 9111 §5.2.1.4): it is
     * then read from PostgreSQL, and kept for the next requests.
     */
    static boolean refused(HttpServletRequest request) {
        for (Enumeration<String> values = request.getHeaders(HttpHeaders.CACHE_CONTROL); values.hasMoreElements(); ) {
            for (String directive : values.nextElement().split(",")) {
                if (directive.strip().equalsIgnoreCase("no-cache")) {
                    return true;
                }
            }
        }
        return false;
    }

    @Nullable
    byte[] get(String key) {
        return bodies == null ? null : bodies.getIfPresent(key);
    }

    /**
     * A stream that passes everything to {@code out} and, while it stays within {@code max-entry-size}, keeps a copy;
     * {@link Capture#keep} stores that copy under {@code key} once the body is complete.
     */
    OutputStream capture(OutputStream out, @Nullable String key) {
        return bodies == null || key == null ? out : new Capture(out, key);
    }

    final class Capture extends OutputStream {

        private final OutputStream out;
        private final String key;
        private @Nullable ByteArrayOutputStream copy = new ByteArrayOutputStream(8192);

        private Capture(OutputStream out, String key) {
            this.out = out;
            this.key = key;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            ByteArrayOutputStream room = room(1);
            if (room != null) {
                room.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            ByteArrayOutputStream room = room(len);
            if (room != null) {
                room.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        /** Stores the body written, unless it grew past {@code max-entry-size}. Call it after the last byte. */
        void keep() {
            ByteArrayOutputStream body = copy;
            if (body != null && bodies != null) {
                bodies.put(key, body.toByteArray());
            }
        }

        /** The copy, if {@code more} bytes still fit in it; past {@code max-entry-size} the copy is dropped. */
        private @Nullable ByteArrayOutputStream room(int more) {
            ByteArrayOutputStream body = copy;
            if (body != null && body.size() + more > maxEntrySize) {
                copy = null;
                return null;
            }
            return body;
        }
    }
}
