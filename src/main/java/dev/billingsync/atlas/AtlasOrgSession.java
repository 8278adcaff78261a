package dev.billingsync.atlas;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * One org's conversation with Atlas during one sync run: counts the requests it sent. Blocking API (called from a
 * scheduler thread); Reactor stays inside. Thread-safe.
 *
 * <p>Every call is bounded by {@code billing.atlas.timeouts.call}, retried per {@link AtlasRetry} and fails with an
 * {@link AtlasApiException}. Successful bodies are spooled to a file ({@link AtlasPayload}); the caller closes it.
 */
public final class AtlasOrgSession {

    static final String ENDPOINT_ATTRIBUTE = AtlasOrgSession.class.getName() + ".endpoint";

    /** At most this much of an error body is read, to decode Atlas's {@code ApiError}. */
    static final int MAX_ERROR_BODY = 64 * 1024;

    private static final JsonMapper ERROR_MAPPER = JsonMapper.builder().build();

    private final String orgId;
    private final AtlasClient.Shared shared;
    private final WebClient webClient;
    private final AtomicInteger requestCount = new AtomicInteger();
    private final AtomicInteger retryCount = new AtomicInteger();

    AtlasOrgSession(String orgId, AtlasClient.Shared shared, ExchangeFilterFunction auth) {
        this.orgId = orgId;
        this.shared = shared;
        this.webClient = shared.webClient().mutate()
                .filter(auth)
                .filter(this::countAndMeasure) // inside auth: auth re-tries are counted too
                .build();
    }

    public String orgId() {
        return orgId;
    }

    /** {@code GET /api/atlas/v2/orgs/{orgId}/invoices/pending}: the org's pending invoice(s), spooled to a file. */
    public AtlasPayload pendingInvoices() {
        return Objects.requireNonNull(
                execute(Call.get("/orgs/{orgId}/invoices/pending", invoicesJson(), orgId), this::spoolOrFail));
    }

    /** {@code GET /api/atlas/v2/orgs/{orgId}/invoices/{invoiceId}}: one full invoice, spooled to a file. */
    public AtlasPayload invoice(String invoiceId) {
        Objects.requireNonNull(invoiceId, "invoiceId");
        return Objects.requireNonNull(execute(
                Call.get("/orgs/{orgId}/invoices/{invoiceId}", invoicesJson(), orgId, invoiceId), this::spoolOrFail));
    }

    /** HTTP requests sent to {@code /api/atlas/v2} for this org so far, retries and auth re-tries included. */
    public int requestCount() {
        return requestCount.get();
    }

    /** Retries scheduled for this org's calls so far (auth re-tries not included). */
    public int retryCount() {
        return retryCount.get();
    }

    @Override
    public String toString() {
        return "AtlasOrgSession[orgId=" + orgId + ", requests=" + requestCount + ", retries=" + retryCount + "]";
    }

    private MediaType invoicesJson() {
        return shared.json(shared.properties().versions().invoices());
    }

    // --- the call machinery; Cost Explorer calls (a POST with a JSON body, a GET that may answer 102) plug in here
    // with their own Call and response handler.

    /**
     * One logical call: the request described by {@code call}, with auth, retries and the call deadline. The handler
     * sees every response that reached us after auth (2xx or not) and turns it into the result or an error, for
     * example with {@link #spoolOrFail} or {@link #failure}. Null only if the handler completes empty.
     */
    <T> @Nullable T execute(Call call, BiFunction<Call, ClientResponse, Mono<T>> handler) {
        Duration deadline = shared.properties().timeouts().call();
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        Mono<T> attempt = Mono.defer(() -> request(call).exchangeToMono(response -> handler.apply(call, response)))
                .onErrorMap(error -> AtlasRetry.classify(call.endpoint(), error));
        Mono<T> result = attempt
                .retryWhen(new AtlasRetry(
                        shared.properties().retry(), orgId, call.endpoint(), deadlineNanos, shared.metrics(),
                        retryCount::incrementAndGet))
                .timeout(deadline)
                .onErrorMap(TimeoutException.class, e -> AtlasApiException.timeout(call.endpoint(), e))
                .onErrorMap(AtlasRetry::unwrap);
        try {
            // The in-chain timeout cancels the exchange and deletes any partial file; block's limit is a safety net.
            return result.block(deadline.plusSeconds(10));
        } catch (RuntimeException e) {
            if (Exceptions.unwrap(e) instanceof InterruptedException) {
                Thread.currentThread().interrupt(); // the exchange was cancelled; let the caller see the interrupt
            }
            throw e;
        }
    }

    private WebClient.RequestHeadersSpec<?> request(Call call) {
        WebClient.RequestBodySpec spec = webClient.method(call.method())
                .uri(call.pathTemplate(), call.uriVariables())
                .header(HttpHeaders.ACCEPT, call.accept().toString())
                .attribute(ENDPOINT_ATTRIBUTE, call.pathTemplate());
        if (call.body() == null) {
            return spec;
        }
        // bodyValue, not a Publisher: the auth filters must be able to send the body a second time.
        return spec.contentType(call.contentType() != null ? call.contentType() : call.accept()).bodyValue(call.body());
    }

    /** 2xx: the body spooled to a file; anything else: {@link #failure}. */
    Mono<AtlasPayload> spoolOrFail(Call call, ClientResponse response) {
        return response.statusCode().is2xxSuccessful() ? shared.spooler().spool(response) : failure(call, response);
    }

    /**
     * The error for a response we cannot use: at most {@link #MAX_ERROR_BODY} bytes of the body are decoded leniently
     * into an {@link AtlasError} (null if it is not one), never copied into the message.
     */
    <T> Mono<T> failure(Call call, ClientResponse response) {
        int status = response.statusCode().value();
        Duration retryAfter = AtlasRetry.parseRetryAfter(
                response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER), shared.clock());
        return readError(response)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(error -> Mono.error(new AtlasRetry.Failure(
                        AtlasApiException.fromResponse(status, call.endpoint(), error.orElse(null)), retryAfter)));
    }

    private static Mono<AtlasError> readError(ClientResponse response) {
        return AtlasResponseSpooler.head(response, MAX_ERROR_BODY)
                .flatMap(buffer -> Mono.justOrEmpty(decodeError(buffer)))
                .onErrorResume(e -> Mono.empty());
    }

    private static @Nullable AtlasError decodeError(DataBuffer buffer) {
        try (InputStream in = buffer.asInputStream(true)) {
            return ERROR_MAPPER.readValue(in, AtlasError.class);
        } catch (IOException | RuntimeException notAnAtlasError) {
            return null;
        }
    }

    /** Counts every request that reaches the wire for this org and records the per-request meters. */
    private Mono<ClientResponse> countAndMeasure(ClientRequest request, ExchangeFunction next) {
        String endpoint = String.valueOf(request.attributes().getOrDefault(ENDPOINT_ATTRIBUTE, "?"));
        String method = request.method().name();
        return Mono.defer(() -> {
            requestCount.incrementAndGet();
            long start = System.nanoTime();
            return next.exchange(request)
                    .doOnError(error -> {
                        shared.metrics().request(endpoint, method, AtlasRetry.isTimeout(error) ? "TIMEOUT" : "IO_ERROR");
                        shared.metrics().duration(endpoint, Duration.ofNanos(System.nanoTime() - start));
                    })
                    .map(response -> {
                        shared.metrics().request(endpoint, method, String.valueOf(response.statusCode().value()));
                        // The body may be subscribed more than once (a release after it was read): time it once.
                        AtomicBoolean timed = new AtomicBoolean();
                        return response.mutate()
                                .body(body -> body.doFinally(signal -> {
                                    if (timed.compareAndSet(false, true)) {
                                        shared.metrics().duration(endpoint, Duration.ofNanos(System.nanoTime() - start));
                                    }
                                }))
                                .build();
                    });
        });
    }

    /**
     * One request to {@code {base}/api/atlas/v2}: method, path template (also the metrics/exception endpoint), its
     * variables, the versioned Accept type and an optional body (sent with {@code contentType}, default the Accept
     * type, as Atlas expects the versioned type on bodies too).
     */
    record Call(
            HttpMethod method,
            String pathTemplate,
            Object[] uriVariables,
            MediaType accept,
            @Nullable Object body,
            @Nullable MediaType contentType) {

        static Call get(String pathTemplate, MediaType accept, Object... uriVariables) {
            return new Call(HttpMethod.GET, pathTemplate, uriVariables, accept, null, null);
        }

        static Call post(String pathTemplate, MediaType accept, Object body, Object... uriVariables) {
            return new Call(HttpMethod.POST, pathTemplate, uriVariables, accept, body, null);
        }

        /** How exceptions, logs and metrics name the call: {@code GET /orgs/{orgId}/invoices/pending}. */
        String endpoint() {
            return method.name() + " " + pathTemplate;
        }
    }
}
