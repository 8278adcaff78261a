package dev.billingsync.simulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/** What a route answers: a normal HTTP response, or bytes written straight onto the connection. */
sealed interface Reply {

    static Body json(int status, String contentType, RenderedBody body) {
        return new Body(status, contentType, body, Map.of());
    }

    /**
     * A normal response; {@code Content-Type} and {@code Content-Length} are set from the fields.
     *
     * @param contentType null for a response without a body
     */
    record Body(int status, @Nullable String contentType, RenderedBody body, Map<String, String> headers)
            implements Reply {

        public Body {
            headers = Map.copyOf(headers);
        }

        Body withHeaders(Map<String, String> more) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.putAll(more);
            return new Body(status, contentType, body, all);
        }
    }

    /**
     * Raw access below the HTTP codec, for answers a well-behaved server cannot produce: resets, truncated bodies,
     * informational statuses sent as if final.
     *
     * @param status what the request log records (0 when no status line goes out)
     * @param writer writes the wire form and completes when done; it closes the connection unless it means to keep
     *     the client waiting
     */
    record Wire(int status, Function<Connection, Mono<Void>> writer) implements Reply {}
}
