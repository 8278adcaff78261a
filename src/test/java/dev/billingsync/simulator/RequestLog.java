package dev.billingsync.simulator;

import io.netty.handler.codec.http.HttpHeaders;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Every request in arrival order, with credentials cut down to their scheme word. */
final class RequestLog {

    private final Clock clock;
    private final List<Entry> entries = new ArrayList<>();

    RequestLog(Clock clock) {
        this.clock = clock;
    }

    Entry start(
            String method, String path, String query, HttpHeaders headers, @Nullable String orgId, String connection) {
        Entry entry = new Entry(method, path, query, redacted(headers), orgId, connection, clock.instant());
        synchronized (entries) {
            entries.add(entry);
        }
        return entry;
    }

    List<RecordedRequest> snapshot() {
        synchronized (entries) {
            return entries.stream().map(Entry::toRecord).toList();
        }
    }

    void clear() {
        synchronized (entries) {
            entries.clear();
        }
    }

    Instant now() {
        return clock.instant();
    }

    private static Map<String, String> redacted(HttpHeaders headers) {
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            String value = isCredential(name) ? schemeOf(header.getValue()) : header.getValue();
            copy.merge(name, value, (first, second) -> first + ", " + second);
        }
        return Collections.unmodifiableMap(copy);
    }

    private static boolean isCredential(String name) {
        return name.equals("authorization") || name.equals("proxy-authorization");
    }

    private static String schemeOf(String credentials) {
        String trimmed = credentials.strip();
        int space = trimmed.indexOf(' ');
        return space < 0 ? trimmed.isEmpty() ? "" : "(redacted)" : trimmed.substring(0, space);
    }

    static final class Entry {

        private final String method;
        private final String path;
        private final String query;
        private final Map<String, String> headers;
        private final @Nullable String orgId;
        private final String connection;
        private final Instant receivedAt;
        private volatile int status;
        private volatile @Nullable Instant completedAt;
        private volatile @Nullable Instant connectionClosedAt;

        private Entry(
                String method,
                String path,
                String query,
                Map<String, String> headers,
                @Nullable String orgId,
                String connection,
                Instant receivedAt) {
            this.method = method;
            this.path = path;
            this.query = query;
            this.headers = headers;
            this.orgId = orgId;
            this.connection = connection;
            this.receivedAt = receivedAt;
        }

        void connectionClosed(Instant when) {
            if (connectionClosedAt == null) {
                connectionClosedAt = when;
            }
        }

        void status(int status) {
            this.status = status;
        }

        void complete(Instant when) {
            if (completedAt == null) {
                completedAt = when;
            }
        }

        RecordedRequest toRecord() {
            return new RecordedRequest(
                    method,
                    path,
                    query,
                    headers,
                    orgId,
                    status,
                    receivedAt,
                    completedAt,
                    connection,
                    connectionClosedAt);
        }
    }
}
