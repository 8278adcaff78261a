package dev.billingsync.simulator;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One request the simulator received.
 *
 * @param query the raw query string without {@code ?}, empty when there is none
 * @param headers lower-case header names; repeated headers joined with {@code ", "}; the {@code authorization}
 *     value is cut down to its scheme word ({@code Bearer}, {@code Digest}, {@code Basic}), never the secret
 * @param orgId the org id segment of an {@code /api/atlas/v2/orgs/{orgId}/...} path, as sent; null elsewhere
 * @param status the status sent; 0 while the answer is still in flight, and for a connection reset
 * @param completedAt when the answer was fully written or the connection dropped; null while in flight
 */
public record RecordedRequest(
        String method,
        String path,
        String query,
        Map<String, String> headers,
        @Nullable String orgId,
        int status,
        Instant receivedAt,
        @Nullable Instant completedAt) {

    /** The header's (redacted) value by case-insensitive name; null when absent. */
    public @Nullable String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
