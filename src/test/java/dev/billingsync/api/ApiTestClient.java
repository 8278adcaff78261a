package dev.billingsync.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client for the API under test: real requests over a socket, JSON read with exact decimals. */
final class ApiTestClient {

    static final JsonMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    record Response(int status, String body, java.net.http.HttpHeaders headers) {

        JsonNode json() {
            return EXACT.readTree(body);
        }
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    ApiTestClient(int port) {
        this.base = "http://localhost:" + port;
    }

    String base() {
        return base;
    }

    Response get(String pathAndQuery, @Nullable String apiKey) {
        return send("GET", pathAndQuery, apiKey, null, "application/json");
    }

    Response send(String method, String pathAndQuery, @Nullable String apiKey, @Nullable String bearer, String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", accept)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (apiKey != null) {
            request.header("X-API-Key", apiKey);
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(request.build());
    }

    Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
