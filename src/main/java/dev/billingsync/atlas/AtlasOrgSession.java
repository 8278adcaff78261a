package dev.billingsync.atlas;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;
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
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.PrematureCloseException;
import tools.jackson.databind.json.JsonMapper;

/**
 * One org's conversation with Atlas during one sync run: counts the requests it sent. Blocking API (called from a
 * sync worker), plus {@link CompletableFuture} variants of the Cost Explorer calls that hold no thread while they wait;
 * Reactor stays inside. Thread-safe.
 *
 * <p>Every call is bounded by {@code billing.atlas.timeouts.call}, retried per {@link AtlasRetry} and fails with an
 * {@link AtlasApiException}. Successful bodies are spooled to a file ({@link AtlasPayload}); the caller closes it.
 *
 * <p>Cost Explorer: {@link #createCostExplorerQuery} posts a query and returns its token; {@link
 * #pollCostExplorerQuery} asks once for the result. Atlas's "not ready" is a 102 Processing, which only Reactor Netty
 * reports as a status (java-http-findings §1); the client never reuses a connection that answered 1xx (see {@link
 * AtlasClient}), and a poll that gets no answer within {@code billing.atlas.timeouts.poll}, or whose connection closes
 * before an answer, is "not ready" too, never an error to retry.
 */
public final class AtlasOrgSession {

    static final String ENDPOINT_ATTRIBUTE = AtlasOrgSession.class.getName() + ".endpoint";

    static final String ORGS_PATH = "/orgs";
    /** The orgs list has had one version since the v2 API began. */
    static final String ORGS_VERSION = "2023-01-01";

    static final int ORGS_PAGE_SIZE = 500;

    static final String COST_EXPLORER_PATH = "/orgs/{orgId}/billing/costExplorer/usage";
    static final String COST_EXPLORER_RESULT_PATH = COST_EXPLORER_PATH + "/{token}";

    /** What we accept as a Cost Explorer token before putting it into a path; Atlas sends 64 hex characters. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,256}");

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
        this.webClient = shared.webClient()
                .mutate()
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

    /**
     * {@code GET /api/atlas/v2/orgs/{orgId}/invoices}: one page of the org's invoice metadata (no line items), for
     * invoices whose period starts on or after {@code fromDate}, without linked orgs' invoices (they can be very
     * large, and belong to their own org), spooled to a file.
     */
    public AtlasPayload invoiceList(LocalDate fromDate, int pageNum, int itemsPerPage) {
        Objects.requireNonNull(fromDate, "fromDate");
        return Objects.requireNonNull(execute(
                Call.get(
                        "/orgs/{orgId}/invoices?fromDate={fromDate}"
                                + "&viewLinkedInvoices=false&itemsPerPage={itemsPerPage}&pageNum={pageNum}",
                        invoicesJson(),
                        orgId,
                        fromDate.toString(),
                        itemsPerPage,
                        pageNum),
                this::spoolOrFail));
    }

    /**
     * {@code POST /api/atlas/v2/orgs/{orgId}/billing/costExplorer/usage}: starts a Cost Explorer query and returns its
     * token (Atlas answers 202 {@code {"token": ...}}). Versioned {@code Content-Type} and {@code Accept}
     * ({@code billing.atlas.versions.cost-explorer}); retried and authenticated as every call, so a retried POST may
     * leave an unused query behind at Atlas. A 400 (invalid dates, groupBy without filter values, ...) is thrown.
     */
    public String createCostExplorerQuery(CostExplorerRequest request) {
        Objects.requireNonNull(request, "request");
        Call call = Call.post(COST_EXPLORER_PATH, costExplorer(CostExplorerFormat.JSON), request.toJson(), orgId);
        return Objects.requireNonNull(execute(call, this::readToken));
    }

    /**
     * {@code GET /api/atlas/v2/orgs/{orgId}/billing/costExplorer/usage/{token}}, once: never waits between polls
     * itself. 200 with a body is {@link CostExplorerPoll.Ready} (spooled to a file, the caller closes it); a 102
     * (final, or followed by silence or a close), no response within {@code timeouts.poll}, a connection closed before
     * a response, or a 2xx without a body is {@link CostExplorerPoll.Processing}; 404 is {@link
     * CostExplorerPoll.UnknownToken}. 429, 5xx and other I/O errors are retried as every call, each attempt counted
     * in {@link #requestCount()}; other errors are thrown.
     */
    public CostExplorerPoll pollCostExplorerQuery(String token, CostExplorerFormat format) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(format, "format");
        Call call = Call.get(COST_EXPLORER_RESULT_PATH, costExplorer(format), orgId, token)
                .withResponseTimeout(shared.properties().timeouts().poll());
        CostExplorerPoll poll = Objects.requireNonNull(
                execute(call, (c, response) -> readPoll(c, response, format), AtlasOrgSession::notAnswered));
        shared.metrics().costExplorerPoll(signal(poll));
        return poll;
    }

    /**
     * {@link #createCostExplorerQuery} without holding the calling thread, not even while a retry waits out a
     * {@code Retry-After}: the future completes on an HTTP client or timer thread (exceptionally with an
     * {@link AtlasApiException}), so callers continue on an executor of their own.
     */
    public CompletableFuture<String> createCostExplorerQueryAsync(CostExplorerRequest request) {
        Objects.requireNonNull(request, "request");
        Call call = Call.post(COST_EXPLORER_PATH, costExplorer(CostExplorerFormat.JSON), request.toJson(), orgId);
        return executeAsync(call, this::readToken, Mono::error);
    }

    /** {@link #pollCostExplorerQuery} without holding the calling thread; see {@link #createCostExplorerQueryAsync}. */
    public CompletableFuture<CostExplorerPoll> pollCostExplorerQueryAsync(String token, CostExplorerFormat format) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(format, "format");
        Call call = Call.get(COST_EXPLORER_RESULT_PATH, costExplorer(format), orgId, token)
                .withResponseTimeout(shared.properties().timeouts().poll());
        return executeAsync(call, (c, response) -> readPoll(c, response, format), AtlasOrgSession::notAnswered)
                .thenApply(poll -> {
                    shared.metrics().costExplorerPoll(signal(poll));
                    return poll;
                });
    }

    /**
     * {@code GET /api/atlas/v2/orgs}, every page ({@code itemsPerPage=500}): the organizations these credentials can
     * see, deleted ones included (the caller filters). Accept {@code application/vnd.atlas.2023-01-01+json}.
     */
    List<AtlasOrganization> organizations() {
        List<AtlasOrganization> all = new ArrayList<>();
        for (int pageNum = 1; ; pageNum++) {
            Call call = Call.get(
                    ORGS_PATH + "?itemsPerPage={itemsPerPage}&pageNum={pageNum}",
                    shared.json(ORGS_VERSION),
                    ORGS_PAGE_SIZE,
                    pageNum);
            OrgPage page;
            try (AtlasPayload payload = Objects.requireNonNull(execute(call, this::spoolOrFail));
                    InputStream in = Files.newInputStream(payload.file())) {
                page = ERROR_MAPPER.readValue(in, OrgPage.class);
            } catch (IOException | RuntimeException e) {
                if (e instanceof AtlasApiException atlasError) {
                    throw atlasError;
                }
                throw new AtlasApiException(
                        200,
                        "MALFORMED_RESPONSE",
                        "GET " + ORGS_PATH + " answered a body that" + " is not an organization list",
                        null,
                        null);
            }
            List<AtlasOrganization> results = page.results() == null ? List.of() : page.results();
            all.addAll(results);
            boolean more =
                    page.totalCount() != null ? all.size() < page.totalCount() : results.size() == ORGS_PAGE_SIZE;
            if (results.isEmpty() || !more) {
                return List.copyOf(all);
            }
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record OrgPage(
            @Nullable List<AtlasOrganization> results,
            @Nullable Integer totalCount) {}

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

    private MediaType costExplorer(CostExplorerFormat format) {
        return shared.atlasType(shared.properties().versions().costExplorer(), format.suffix());
    }

    // --- Cost Explorer response handling

    /** 2xx: the token of the new query; anything else: {@link #failure}. */
    private Mono<String> readToken(Call call, ClientResponse response) {
        if (!response.statusCode().is2xxSuccessful()) {
            return failure(call, response);
        }
        int status = response.statusCode().value();
        return AtlasResponseSpooler.head(response, MAX_ERROR_BODY)
                .mapNotNull(AtlasOrgSession::decodeToken)
                .switchIfEmpty(Mono.error(() -> new AtlasApiException(
                        status,
                        "MALFORMED_RESPONSE",
                        call.endpoint() + " answered " + status + " without a usable token",
                        null,
                        null)));
    }

    private static @Nullable String decodeToken(DataBuffer buffer) {
        try (InputStream in = buffer.asInputStream(true)) {
            String token = ERROR_MAPPER.readValue(in, TokenBody.class).token();
            return token != null && TOKEN.matcher(token).matches() ? token : null;
        } catch (IOException | RuntimeException notATokenBody) {
            return null;
        }
    }

    private Mono<CostExplorerPoll> readPoll(Call call, ClientResponse response, CostExplorerFormat asked) {
        int status = response.statusCode().value();
        if (status < 200) {
            // Reactor Netty reports a 1xx as the final response; the connection is not reused (AtlasClient).
            return response.releaseBody().thenReturn(new CostExplorerPoll.Processing(NotReadySignal.STATUS_102));
        }
        if (status == 404) {
            return response.releaseBody().thenReturn(new CostExplorerPoll.UnknownToken());
        }
        if (!response.statusCode().is2xxSuccessful()) {
            return failure(call, response);
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

    // --- the call machinery; Cost Explorer calls (a POST with a JSON body, a GET that may answer 102) plug in here
    // with their own Call and response handler.

    /**
     * One logical call: the request described by {@code call}, with auth, retries and the call deadline. The handler
     * sees every response that reached us after auth (2xx or not) and turns it into the result or an error, for
     * example with {@link #spoolOrFail} or {@link #failure}. Null only if the handler completes empty.
     */
    <T> @Nullable T execute(Call call, BiFunction<Call, ClientResponse, Mono<T>> handler) {
        return execute(call, handler, Mono::error);
    }

    /**
     * Like {@link #execute(Call, BiFunction)}, with {@code unanswered} first in line for an attempt's errors: it may
     * turn one into a result (a Cost Explorer poll's read timeout means "not ready"), or return it as an error to be
     * classified and retried as usual.
     */
    <T> @Nullable T execute(
            Call call, BiFunction<Call, ClientResponse, Mono<T>> handler, Function<Throwable, Mono<T>> unanswered) {
        Duration deadline = shared.properties().timeouts().call();
        try {
            // The in-chain timeout cancels the exchange and deletes any partial file; block's limit is a safety net.
            return call(call, handler, unanswered).block(deadline.plusSeconds(10));
        } catch (RuntimeException e) {
            if (Exceptions.unwrap(e) instanceof InterruptedException) {
                Thread.currentThread().interrupt(); // the exchange was cancelled; let the caller see the interrupt
            }
            throw e;
        }
    }

    /**
     * The call as a future that holds no thread while it waits (for the response, or for a retry's backoff or
     * {@code Retry-After}); it completes on an HTTP client or timer thread, exceptionally with an
     * {@link AtlasApiException}.
     */
    <T> CompletableFuture<T> executeAsync(
            Call call, BiFunction<Call, ClientResponse, Mono<T>> handler, Function<Throwable, Mono<T>> unanswered) {
        return call(call, handler, unanswered).toFuture();
    }

    private <T> Mono<T> call(
            Call call, BiFunction<Call, ClientResponse, Mono<T>> handler, Function<Throwable, Mono<T>> unanswered) {
        Duration deadline = shared.properties().timeouts().call();
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        Mono<T> attempt = Mono.defer(() -> request(call).exchangeToMono(response -> handler.apply(call, response)))
                .onErrorResume(unanswered)
                .onErrorMap(error -> AtlasRetry.classify(call.endpoint(), error));
        return attempt.retryWhen(new AtlasRetry(
                        shared.properties().retry(),
                        orgId,
                        call.endpoint(),
                        deadlineNanos,
                        shared.metrics(),
                        retryCount::incrementAndGet))
                .timeout(deadline)
                .onErrorMap(TimeoutException.class, e -> AtlasApiException.timeout(call.endpoint(), e))
                .onErrorMap(AtlasRetry::unwrap);
    }

    private WebClient.RequestHeadersSpec<?> request(Call call) {
        WebClient.RequestBodySpec spec = webClient
                .method(call.method())
                .uri(call.pathTemplate(), call.uriVariables())
                .header(HttpHeaders.ACCEPT, call.accept().toString())
                .attribute(ENDPOINT_ATTRIBUTE, call.path());
        Duration responseTimeout = call.responseTimeout();
        if (responseTimeout != null) {
            // Per request, replacing the client's read timeout until the response is complete (Reactor Netty).
            spec.httpRequest(request -> {
                if (request.getNativeRequest() instanceof HttpClientRequest nativeRequest) {
                    nativeRequest.responseTimeout(responseTimeout);
                }
            });
        }
        if (call.body() == null) {
            return spec;
        }
        // bodyValue, not a Publisher: the auth filters must be able to send the body a second time.
        return spec.contentType(call.contentType() != null ? call.contentType() : call.accept())
                .bodyValue(call.body());
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
                        shared.metrics()
                                .request(endpoint, method, AtlasRetry.isTimeout(error) ? "TIMEOUT" : "IO_ERROR");
                        shared.metrics().duration(endpoint, Duration.ofNanos(System.nanoTime() - start));
                    })
                    .map(response -> {
                        shared.metrics()
                                .request(
                                        endpoint,
                                        method,
                                        String.valueOf(response.statusCode().value()));
                        // The body may be subscribed more than once (a release after it was read): time it once.
                        AtomicBoolean timed = new AtomicBoolean();
                        return response.mutate()
                                .body(body -> body.doFinally(signal -> {
                                    if (timed.compareAndSet(false, true)) {
                                        shared.metrics()
                                                .duration(endpoint, Duration.ofNanos(System.nanoTime() - start));
                                    }
                                }))
                                .build();
                    });
        });
    }

    /**
     * One request to {@code {base}/api/atlas/v2}: method, path template (also the metrics/exception endpoint), its
     * variables, the versioned Accept type and an optional body (sent with {@code contentType}, default the Accept
     * type, as Atlas expects the versioned type on bodies too). A {@code byte[]} body is sent as it is.
     *
     * @param responseTimeout replaces {@code timeouts.read} for this request when set
     */
    record Call(
            HttpMethod method,
            String pathTemplate,
            Object[] uriVariables,
            MediaType accept,
            @Nullable Object body,
            @Nullable MediaType contentType,
            @Nullable Duration responseTimeout) {

        static Call get(String pathTemplate, MediaType accept, Object... uriVariables) {
            return new Call(HttpMethod.GET, pathTemplate, uriVariables, accept, null, null, null);
        }

        static Call post(String pathTemplate, MediaType accept, Object body, Object... uriVariables) {
            return new Call(HttpMethod.POST, pathTemplate, uriVariables, accept, body, null, null);
        }

        Call withResponseTimeout(Duration timeout) {
            return new Call(method, pathTemplate, uriVariables, accept, body, contentType, timeout);
        }

        /** How exceptions, logs and metrics name the call: {@code GET /orgs/{orgId}/invoices}. */
        String endpoint() {
            return method.name() + " " + path();
        }

        /** The path template without its query, as metrics tag it: one series per endpoint, whatever the paging. */
        String path() {
            int query = pathTemplate.indexOf('?');
            return query < 0 ? pathTemplate : pathTemplate.substring(0, query);
        }
    }
}
