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
 * @param status the status sent (the final one when a 102 came first); 0 while the answer is still in flight, and
 *     when no status line went out (a reset, a close or silence)
 * @param completedAt when the answer was fully written or the connection dropped; null while in flight
 * @param connection the client end of the TCP connection ({@code 127.0.0.1:54012}): requests with equal values came
 *     over one connection
 * @param connectionClosedAt when that connection closed (either side); null while it is open
 */
public record RecordedRequest(
        String method,
        String path,
        String query,
        Map<String, String> headers,
        @Nullable String orgId,
        int status,
        Instant receivedAt,
        @Nullable Instant completedAt,
        String connection,
        @Nullable Instant connectionClosedAt) {

    /** The header's (redacted) value by case-insensitive name; null when absent. */
    public @Nullable String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
