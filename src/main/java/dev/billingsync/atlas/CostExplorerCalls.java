package dev.billingsync.atlas;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;

/**
 * The Cost Explorer calls of one {@link AtlasOrgSession}: {@link #createCostExplorerQuery} posts a query and returns
 * its token; {@link #pollCostExplorerQuery} asks once for the result. Atlas's "not ready" is a 102 Processing, which
 * of the HTTP clients tried only Reactor Netty reports as a status (the others time out or fail on it); the client
 * never reuses a connection that answered 1xx (see {@link AtlasClient}), and a poll that gets no answer within
 * {@code billing.atlas.timeouts.poll}, or whose connection closes before an answer, is "not ready" too, never an
 * error to retry.
 */
final class CostExplorerCalls {

    static final String COST_EXPLORER_PATH = "/orgs/{orgId}/billing/costExplorer/usage";
    static final String COST_EXPLORER_RESULT_PATH = COST_EXPLORER_PATH + "/{token}";

    /** What we accept as a Cost Explorer token before putting it into a path; Atlas sends 64 hex characters. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,256}");

    private final AtlasOrgSession session;
    private final AtlasClient.Shared shared;

    CostExplorerCalls(AtlasOrgSession session, AtlasClient.Shared shared) {
        this.session = session;
        this.shared = shared;
    }

    /**
     * {@code POST /api/atlas/v2/orgs/{orgId}/billing/costExplorer/usage}: starts a Cost Explorer query and returns its
     * token (Atlas answers 202 {@code {"token": ...}}). Versioned {@code Content-Type} and {@code Accept}
     * ({@code billing.atlas.versions.cost-explorer}); retried and authenticated as every call, so a retried POST may
     * leave an unused query behind at Atlas. A 400 (invalid dates, groupBy without filter values, ...) is thrown.
     */
    String createCostExplorerQuery(CostExplorerRequest request) {
        Objects.requireNonNull(request, "request");
        AtlasCall call = AtlasCall.post(
                COST_EXPLORER_PATH, costExplorer(CostExplorerFormat.JSON), request.toJson(), session.orgId());
        return Objects.requireNonNull(session.execute(call, this::readToken));
    }

    /**
     * {@code GET /api/atlas/v2/orgs/{orgId}/billing/costExplorer/usage/{token}}, once: never waits between polls
     * itself. 200 with a body is {@link CostExplorerPoll.Ready} (spooled to a file, the caller closes it); a 102
     * (final, or followed by silence or a close), no response within {@code timeouts.poll}, a connection closed before
     * a response, or a 2xx without a body is {@link CostExplorerPoll.Processing}; 404 is {@link
     * CostExplorerPoll.UnknownToken}. 429, 5xx and other I/O errors are retried as every call, each attempt counted
     * in {@link AtlasOrgSession#requestCount()}; other errors are thrown.
     */
    CostExplorerPoll pollCostExplorerQuery(String token, CostExplorerFormat format) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(format, "format");
        AtlasCall call = AtlasCall.get(COST_EXPLORER_RESULT_PATH, costExplorer(format), session.orgId(), token)
                .withResponseTimeout(shared.properties().timeouts().poll());
        CostExplorerPoll poll = Objects.requireNonNull(
                session.execute(call, (c, response) -> readPoll(c, response, format), CostExplorerCalls::notAnswered));
        shared.metrics().costExplorerPoll(signal(poll));
        return poll;
    }

    /**
     * {@link #createCostExplorerQuery} without holding the calling thread, not even while a retry waits out a
     * {@code Retry-After}: the future completes on an HTTP client or timer thread (exceptionally with an
     * {@link AtlasApiException}), so callers continue on an executor of their own.
     */
    CompletableFuture<String> createCostExplorerQueryAsync(CostExplorerRequest request) {
        Objects.requireNonNull(request, "request");
        AtlasCall call = AtlasCall.post(
                COST_EXPLORER_PATH, costExplorer(CostExplorerFormat.JSON), request.toJson(), session.orgId());
        return session.executeAsync(call, this::readToken, Mono::error);
    }

    /** {@link #pollCostExplorerQuery} without holding the calling thread; see {@link #createCostExplorerQueryAsync}. */
    CompletableFuture<CostExplorerPoll> pollCostExplorerQueryAsync(String token, CostExplorerFormat format) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(format, "format");
        AtlasCall call = AtlasCall.get(COST_EXPLORER_RESULT_PATH, costExplorer(format), session.orgId(), token)
                .withResponseTimeout(shared.properties().timeouts().poll());
        return session.executeAsync(
                        call, (c, response) -> readPoll(c, response, format), CostExplorerCalls::notAnswered)
                .thenApply(poll -> {
                    shared.metrics().costExplorerPoll(signal(poll));
                    return poll;
                });
    }

    private MediaType costExplorer(CostExplorerFormat format) {
        return shared.atlasType(shared.properties().versions().costExplorer(), format.suffix());
    }

    /** 2xx: the token of the new query; anything else: {@link AtlasOrgSession#failure}. */
    private Mono<String> readToken(AtlasCall call, ClientResponse response) {
        if (!response.statusCode().is2xxSuccessful()) {
            return session.failure(call, response);
        }
        int status = response.statusCode().value();
        return AtlasResponseSpooler.head(response, AtlasOrgSession.MAX_ERROR_BODY)
                .mapNotNull(CostExplorerCalls::decodeToken)
                .switchIfEmpty(Mono.error(() -> new AtlasApiException(
                        status,
                        "MALFORMED_RESPONSE",
                        call.endpoint() + " answered " + status + " without a usable token",
                        null,
                        null)));
    }

    private static @Nullable String decodeToken(DataBuffer buffer) {
        try (InputStream in = buffer.asInputStream(true)) {
            String token = AtlasJson.MAPPER.readValue(in, TokenBody.class).token();
            return token != null && TOKEN.matcher(token).matches() ? token : null;
        } catch (IOException | RuntimeException notATokenBody) {
            return null;
        }
    }

    private Mono<CostExplorerPoll> readPoll(AtlasCall call, ClientResponse response, CostExplorerFormat asked) {
        int status = response.statusCode().value();
        if (status < 200) {
            // Reactor Netty reports a 1xx as the final response; the connection is not reused (AtlasClient).
            return response.releaseBody().thenReturn(new CostExplorerPoll.Processing(NotReadySignal.STATUS_102));
        }
        if (status == 404) {
            return response.releaseBody().thenReturn(new CostExplorerPoll.UnknownToken());
        }
        if (!response.statusCode().is2xxSuccessful()) {
            return session.failure(call, response);
        }
        CostExplorerFormat format = formatOf(response, asked);
        return shared.spooler().spool(response).map(payload -> {
            if (payload.size() == 0) {
                payload.close();
                return new CostExplorerPoll.Processing(NotReadySignal.EMPTY_REPLY);
            }
            return new CostExplorerPoll.Ready(payload, format);
        });
    }

    /** The format of a result body: by its media type when that names one, else the one asked for. */
    private static CostExplorerFormat formatOf(ClientResponse response, CostExplorerFormat asked) {
        return response.headers()
                .contentType()
                .map(type -> {
                    String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
                    if (subtype.equals("csv") || subtype.endsWith("+csv")) {
                        return CostExplorerFormat.CSV;
                    }
                    if (subtype.equals("json") || subtype.endsWith("+json")) {
                        return CostExplorerFormat.JSON;
                    }
                    return asked;
                })
                .orElse(asked);
    }

    /**
     * A poll that got no response at all: a read timeout before the status line (a server still "processing", or a
     * 102 some clients would wait past) or a close before the status line is "not ready", not an I/O error. The same
     * failures while a result body streams in are I/O errors and retried: the result is there, the transfer failed.
     */
    private static Mono<CostExplorerPoll> notAnswered(Throwable error) {
        if (error instanceof WebClientRequestException) {
            for (Throwable t = error.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof io.netty.handler.timeout.ReadTimeoutException) {
                    return Mono.just(new CostExplorerPoll.Processing(NotReadySignal.READ_TIMEOUT));
                }
                if (t instanceof PrematureCloseException) {
                    return Mono.just(new CostExplorerPoll.Processing(NotReadySignal.CLOSED));
                }
            }
        }
        return Mono.error(error);
    }

    private static String signal(CostExplorerPoll poll) {
        if (poll instanceof CostExplorerPoll.Processing processing) {
            return processing.signal().name();
        }
        return poll instanceof CostExplorerPoll.Ready ? "READY" : "UNKNOWN_TOKEN";
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record TokenBody(@Nullable String token) {}
}
