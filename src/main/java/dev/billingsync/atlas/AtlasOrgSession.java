package dev.billingsync.atlas;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClientRequest;

/**
 * One org's conversation with Atlas during one sync run: counts the requests it sent. Blocking API for invoices
 * (called from a sync worker), a {@link CompletableFuture} for a Cost Explorer query, which holds no thread while it
 * waits; Reactor stays inside. Thread-safe.
 *
 * <p>Every call is bounded by {@code billing.atlas.timeouts.call}, retried per {@link AtlasRetry} and fails with an
 * {@link AtlasApiException}. Invoice bodies are spooled to a file ({@link AtlasInvoiceDownload}); the caller closes
 * the download. Cost Explorer calls are in {@link CostExplorerCalls}, its poll loop in {@link CostExplorerPollLoop}.
 */
public final class AtlasOrgSession {

    static final String ENDPOINT_ATTRIBUTE = AtlasOrgSession.class.getName() + ".endpoint";

    /** Atlas's largest page of the invoice list. */
    static final int INVOICES_PAGE_SIZE = 500;

    /** More than this many pages of one org's invoice list (50,000 invoices) would be a loop, not a history. */
    static final int MAX_INVOICE_PAGES = 100;

    /** At most this much of an error body is read, to decode Atlas's {@code ApiError}. */
    static final int MAX_ERROR_BODY = 64 * 1024;

    private final String orgId;
    private final AtlasClient.Shared shared;
    private final WebClient webClient;
    private final AtomicInteger requestCount = new AtomicInteger();
    private final AtomicInteger retryCount = new AtomicInteger();
    private final CostExplorerCalls costExplorer;

    AtlasOrgSession(String orgId, AtlasClient.Shared shared, ExchangeFilterFunction auth) {
        this.orgId = orgId;
        this.shared = shared;
        this.webClient = shared.webClient()
                .mutate()
                .filter(auth)
                .filter(shared.metrics()
                        .measuring(requestCount::incrementAndGet)) // inside auth: auth re-tries count too
                .build();
        this.costExplorer = new CostExplorerCalls(this, shared);
    }

    public String orgId() {
        return orgId;
    }

    /** {@code GET /api/atlas/v2/orgs/{orgId}/invoices/pending}: the org's pending invoice(s), downloaded. */
    public AtlasInvoiceDownload pendingInvoices() {
        AtlasPayload payload = Objects.requireNonNull(
                execute(AtlasCall.get("/orgs/{orgId}/invoices/pending", invoicesJson(), orgId), this::spoolOrFail));
        return new AtlasInvoiceDownload(payload, AtlasInvoiceReader.Shape.PAGE, shared.invoiceReader());
    }

    /** {@code GET /api/atlas/v2/orgs/{orgId}/invoices/{invoiceId}}: one full invoice, downloaded. */
    public AtlasInvoiceDownload invoice(String invoiceId) {
        Objects.requireNonNull(invoiceId, "invoiceId");
        AtlasPayload payload = Objects.requireNonNull(execute(
                AtlasCall.get("/orgs/{orgId}/invoices/{invoiceId}", invoicesJson(), orgId, invoiceId),
                this::spoolOrFail));
        return new AtlasInvoiceDownload(payload, AtlasInvoiceReader.Shape.INVOICE, shared.invoiceReader());
    }

    /**
     * {@code GET /api/atlas/v2/orgs/{orgId}/invoices}, every page of {@value #INVOICES_PAGE_SIZE}: the org's invoice
     * metadata (no line items) for invoices whose period starts on or after {@code fromDate}, without linked orgs'
     * invoices (they can be very large, and belong to their own org). More than {@value #MAX_INVOICE_PAGES} pages
     * would be a loop, not a history: a {@code MALFORMED_RESPONSE}.
     */
    public List<AtlasInvoice> invoiceList(LocalDate fromDate) {
        Objects.requireNonNull(fromDate, "fromDate");
        List<AtlasInvoice> all = new ArrayList<>();
        for (int page = 1; page <= MAX_INVOICE_PAGES; page++) {
            AtlasInvoiceList list;
            try (AtlasPayload payload = invoiceListPage(fromDate, page, INVOICES_PAGE_SIZE)) {
                list = shared.invoiceReader().readList(payload);
            }
            all.addAll(list.resultsOrEmpty());
            boolean more = list.resultsOrEmpty().size() == INVOICES_PAGE_SIZE
                    && (list.totalCount() == null || all.size() < list.totalCount());
            if (!more) {
                return Collections.unmodifiableList(all);
            }
        }
        throw AtlasApiException.malformed(
                "Invoice list",
                new IllegalStateException(
                        "more than " + MAX_INVOICE_PAGES + " pages of " + INVOICES_PAGE_SIZE + " invoices"));
    }

    /** One page of {@link #invoiceList(LocalDate)}, spooled to a file. */
    AtlasPayload invoiceListPage(LocalDate fromDate, int pageNum, int itemsPerPage) {
        return Objects.requireNonNull(execute(
                AtlasCall.get(
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
     * Runs one Cost Explorer query over {@code request} to its end, as {@code polling} says: created, polled until
     * ready, re-created once if Atlas forgot its token, its result read into rows. Holds no thread while it waits; the
     * future completes on {@code polling.continueOn()}, exceptionally with an {@link AtlasApiException} when a call
     * failed (after its retries).
     */
    public CompletableFuture<CostExplorerUsage> costExplorerUsage(
            CostExplorerRequest request, CostExplorerPolling polling) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(polling, "polling");
        return new CostExplorerPollLoop(costExplorer, shared.costExplorerReader(), polling, shared.clock())
                .run(request);
    }

    /** The single Cost Explorer calls the query is made of. */
    CostExplorerCalls costExplorer() {
        return costExplorer;
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
    // with their own AtlasCall and response handler.

    /**
     * One logical call: the request described by {@code call}, with auth, retries and the call deadline. The handler
     * sees every response that reached us after auth (2xx or not) and turns it into the result or an error, for
     * example with {@link #spoolOrFail} or {@link #failure}. Null only if the handler completes empty.
     */
    <T> @Nullable T execute(AtlasCall call, BiFunction<AtlasCall, ClientResponse, Mono<T>> handler) {
        return execute(call, handler, Mono::error);
    }

    /**
     * Like {@link #execute(AtlasCall, BiFunction)}, with {@code unanswered} first in line for an attempt's errors: it may
     * turn one into a result (a Cost Explorer poll's read timeout means "not ready"), or return it as an error to be
     * classified and retried as usual.
     */
    <T> @Nullable T execute(
            AtlasCall call,
            BiFunction<AtlasCall, ClientResponse, Mono<T>> handler,
            Function<Throwable, Mono<T>> unanswered) {
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
            AtlasCall call,
            BiFunction<AtlasCall, ClientResponse, Mono<T>> handler,
            Function<Throwable, Mono<T>> unanswered) {
        return call(call, handler, unanswered).toFuture();
    }

    private <T> Mono<T> call(
            AtlasCall call,
            BiFunction<AtlasCall, ClientResponse, Mono<T>> handler,
            Function<Throwable, Mono<T>> unanswered) {
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

    private WebClient.RequestHeadersSpec<?> request(AtlasCall call) {
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
    Mono<AtlasPayload> spoolOrFail(AtlasCall call, ClientResponse response) {
        return response.statusCode().is2xxSuccessful() ? shared.spooler().spool(response) : failure(call, response);
    }

    /**
     * The error for a response we cannot use: at most {@link #MAX_ERROR_BODY} bytes of the body are decoded leniently
     * into an {@link AtlasError} (null if it is not one), never copied into the message.
     */
    <T> Mono<T> failure(AtlasCall call, ClientResponse response) {
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
            return AtlasJson.MAPPER.readValue(in, AtlasError.class);
        } catch (IOException | RuntimeException notAnAtlasError) {
            return null;
        }
    }
}
