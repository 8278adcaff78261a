package dev.billingsync.atlas;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/** The Micrometer meters of the Atlas client. Tags are bounded: endpoints are path templates, never concrete ids. */
final class AtlasMetrics {

    static final String REQUESTS = "billing.atlas.requests";
    static final String RETRIES = "billing.atlas.retries";
    static final String TOKEN_FETCHES = "billing.atlas.token.fetches";
    static final String REQUEST_DURATION = "billing.atlas.request.duration";
    static final String COST_EXPLORER_POLLS = "billing.atlas.costexplorer.polls";

    private final MeterRegistry registry;

    AtlasMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One HTTP request sent to {@code /api/atlas/v2}; {@code status} is the HTTP status or IO_ERROR / TIMEOUT. */
    void request(String endpoint, String method, String status) {
        Counter.builder(REQUESTS)
                .description("HTTP requests sent to the Atlas Admin API, including retries and auth re-tries")
                .tag("endpoint", endpoint)
                .tag("method", method)
                .tag("status", status)
                .register(registry)
                .increment();
    }

    /** One HTTP exchange, from sending the request until its response body was read, released or failed. */
    void duration(String endpoint, Duration duration) {
        Timer.builder(REQUEST_DURATION)
                .description("Duration of HTTP exchanges with the Atlas Admin API, response body included")
                .tag("endpoint", endpoint)
                .register(registry)
                .record(duration);
    }

    /** One retry scheduled; {@code reason} is the HTTP status or IO_ERROR / TIMEOUT. */
    void retry(String endpoint, String reason) {
        Counter.builder(RETRIES)
                .description("Atlas calls retried after a 429, 5xx or I/O error")
                .tag("endpoint", endpoint)
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    /** One access-token request to the Atlas token endpoint; {@code outcome} is success or failure. */
    void tokenFetch(String outcome) {
        Counter.builder(TOKEN_FETCHES)
                .description("Access tokens requested from the Atlas OAuth token endpoint")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    /**
     * One Cost Explorer poll answered; {@code signal} is READY, UNKNOWN_TOKEN or the {@link NotReadySignal} of a
     * result not ready yet.
     */
    void costExplorerPoll(String signal) {
        Counter.builder(COST_EXPLORER_POLLS)
                .description("Cost Explorer result polls by what they answered (retried attempts count once)")
                .tag("signal", signal)
                .register(registry)
                .increment();
    }

    /**
     * A filter that calls {@code countRequest} for every request that reaches the wire and records the per-request
     * meters, tagged with the endpoint the request carries ({@link AtlasOrgSession#ENDPOINT_ATTRIBUTE}).
     */
    ExchangeFilterFunction measuring(Runnable countRequest) {
        return (request, next) -> measure(request, next, countRequest);
    }

    private Mono<ClientResponse> measure(ClientRequest request, ExchangeFunction next, Runnable countRequest) {
        String endpoint = String.valueOf(request.attributes().getOrDefault(AtlasOrgSession.ENDPOINT_ATTRIBUTE, "?"));
        String method = request.method().name();
        return Mono.defer(() -> {
            countRequest.run();
            long start = System.nanoTime();
            return next.exchange(request)
                    .doOnError(error -> {
                        request(endpoint, method, AtlasRetry.isTimeout(error) ? "TIMEOUT" : "IO_ERROR");
                        duration(endpoint, Duration.ofNanos(System.nanoTime() - start));
                    })
                    .map(response -> {
                        request(
                                endpoint,
                                method,
                                String.valueOf(response.statusCode().value()));
                        // The body may be subscribed more than once (a release after it was read): time it once.
                        AtomicBoolean timed = new AtomicBoolean();
                        return response.mutate()
                                .body(body -> body.doFinally(signal -> {
                                    if (timed.compareAndSet(false, true)) {
                                        duration(endpoint, Duration.ofNanos(System.nanoTime() - start));
                                    }
                                }))
                                .build();
                    });
        });
    }
}
