package dev.billingsync.simulator;

import io.netty.handler.codec.http.HttpMethod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * One endpoint: method, path template ({@code /api/atlas/v2/orgs/{orgId}/invoices/pending}), and what the request
 * pipeline must check before the handler runs.
 *
 * @param mediaTypes the versioned media types the endpoint serves; empty for endpoints without Atlas versioning
 * @param atlasApi Atlas auth (Bearer or Digest), the {@code Accept} check, 24-hex path ids, and the org's faults
 *     and rate-limit bucket apply
 */
record Route(HttpMethod method, String template, List<String> mediaTypes, boolean atlasApi, Handler handler) {

    @FunctionalInterface
    interface Handler {
        Mono<Reply> handle(Exchange exchange);
    }

    Route {
        mediaTypes = List.copyOf(mediaTypes);
    }

    static Route atlas(HttpMethod method, String template, List<String> mediaTypes, Handler handler) {
        return new Route(method, template, mediaTypes, true, handler);
    }

    static Route plain(HttpMethod method, String template, Handler handler) {
        return new Route(method, template, List.of(), false, handler);
    }

    /** The path variables when {@code path} fits the template, else null. */
    @Nullable
    Map<String, String> match(List<String> segments) {
        List<String> parts = Router.segments(template);
        if (parts.size() != segments.size()) {
            return null;
        }
        Map<String, String> variables = new HashMap<>();
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            if (part.startsWith("{") && part.endsWith("}")) {
                if (segments.get(i).isEmpty()) {
                    return null;
                }
                variables.put(part.substring(1, part.length() - 1), segments.get(i));
            } else if (!part.equals(segments.get(i))) {
                return null;
            }
        }
        return variables;
    }
}
