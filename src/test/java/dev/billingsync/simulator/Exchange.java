package dev.billingsync.simulator;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

/** One request as the handlers see it: path variables, query parameters, the negotiated media type. */
final class Exchange {

    private final HttpServerRequest request;
    private final Map<String, List<String>> parameters;
    private final Map<String, String> variables;
    private @Nullable String mediaType;

    Exchange(HttpServerRequest request, Map<String, List<String>> parameters, Map<String, String> variables) {
        this.request = request;
        this.parameters = parameters;
        this.variables = variables;
    }

    String variable(String name) {
        String value = variables.get(name);
        if (value == null) {
            throw new IllegalStateException("The route has no path variable " + name);
        }
        return value;
    }

    Map<String, String> variables() {
        return variables;
    }

    @Nullable
    String parameter(String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Atlas' {@code envelope} query parameter. */
    boolean envelope() {
        return "true".equalsIgnoreCase(parameter("envelope"));
    }

    /** Atlas' {@code pretty} query parameter. */
    boolean pretty() {
        return "true".equalsIgnoreCase(parameter("pretty"));
    }

    @Nullable
    String header(String name) {
        return request.requestHeaders().get(name);
    }

    String method() {
        return request.method().name();
    }

    String uri() {
        return request.uri();
    }

    /** The media type chosen from {@code Accept} for a versioned endpoint. */
    String mediaType() {
        if (mediaType == null) {
            throw new IllegalStateException("No media type negotiated for " + uri());
        }
        return mediaType;
    }

    void mediaType(String chosen) {
        this.mediaType = chosen;
    }

    Mono<String> body() {
        return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("");
    }
}
