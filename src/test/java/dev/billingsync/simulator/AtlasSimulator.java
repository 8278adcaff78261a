package dev.billingsync.simulator;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * A stateful, scriptable fake of the Atlas Admin API billing endpoints on 127.0.0.1, faithful to the wire:
 * service-account tokens and Digest API keys, exact versioned media types (406 otherwise), Atlas error bodies,
 * envelope and pretty, a per-org token bucket with 429 and {@code Retry-After}, and scripted faults down to TCP
 * resets and truncated bodies.
 *
 * <p>Every request passes the same pipeline: route, then for Atlas endpoints authentication (401), the
 * {@code Accept} version (406), path ids (400), then scripted faults, the org's bucket (429) and the handler.
 * New endpoints only add routes; {@link Reply.Wire} gives them raw wire access.
 *
 * <p>Endpoints: the orgs list ({@code GET /api/atlas/v2/orgs}, paged; see {@link #hideOrg}), pending invoices, invoice
 * by id, and Cost Explorer ({@code POST .../billing/costExplorer/usage} with
 * versioned Content-Type (415 otherwise) and a validated body (400), {@code GET .../usage/{token}} answering "not
 * ready" in a scripted wire form, then JSON or CSV by Accept); see {@link SimulatedOrg#costExplorer()}.
 *
 * <pre>{@code
 * try (AtlasSimulator atlas = AtlasSimulator.start()) {
 *     atlas.addServiceAccount("mdb_sa_id_1", "mdb_sa_sk_1");
 *     SimulatedOrg org = atlas.addOrg("5f1a2b3c4d5e6f7a8b9c0d1e", "Acme", 42, 500);
 *     atlas.enqueueFault(org.id(), Fault.status(503));
 *     // point the client at atlas.baseUrl(), sync, then compare with org.pendingInvoicesResponse()
 *     org.addDay();
 * }
 * }</pre>
 */
public final class AtlasSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AtlasSimulator.class);
    private static final Pattern ORG_PATH = Pattern.compile("^/api/atlas/v2/orgs/([^/]+)");

    private final Clock dataClock;
    private final LoopResources loops;
    private final DisposableServer server;
    private final URI baseUrl;
    private final InvoiceJson invoiceJson;
    private final Router router = new Router();
    private final Map<String, SimulatedOrg> orgs = new ConcurrentHashMap<>();
    private final ServiceAccounts serviceAccounts = new ServiceAccounts(System::nanoTime);
    private final DigestAuth digest = new DigestAuth(System::nanoTime);
    private final RateLimiter rateLimiter = new RateLimiter(System::nanoTime);
    private final FaultPlan faults = new FaultPlan();
    private final RequestLog requestLog = new RequestLog(Clock.systemUTC());
    private final Set<String> hidden = ConcurrentHashMap.newKeySet();

    private AtlasSimulator(Clock dataClock) {
        this.dataClock = dataClock;
        this.loops = LoopResources.create("atlas-simulator", 1, 2, true);
        router.add(Route.plain(
                HttpMethod.POST,
                FaultPlan.TOKEN_ENDPOINT,
                exchange -> exchange.body()
                        .map(body -> serviceAccounts.token(
                                exchange.header("Authorization"), exchange.header("Content-Type"), body))));
        router.add(Route.plain(
                HttpMethod.POST,
                "/api/oauth/revoke",
                exchange ->
                        exchange.body().map(body -> serviceAccounts.revoke(exchange.header("Authorization"), body))));
        new InvoiceEndpoints(orgs::get).register(router);
        new CostExplorerEndpoints(orgs::get, () -> LocalDate.now(dataClock), Clock.systemUTC()).register(router);
        new OrgListEndpoint(this::visibleOrgs).register(router);
        this.server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .runOn(loops)
                .handle(this::dispatch)
                .bindNow(Duration.ofSeconds(10));
        this.baseUrl = URI.create("http://127.0.0.1:" + server.port());
        this.invoiceJson = new InvoiceJson(baseUrl + "/api/atlas/v2");
        log.info("Atlas simulator listening on {}", baseUrl);
    }

    /** Starts on a random port of 127.0.0.1; generated data is dated from the system clock. */
    public static AtlasSimulator start() {
        return start(Clock.systemUTC());
    }

    /**
     * Starts with {@code dataClock} deciding "today" for generated data (the pending month and its posted days). Token
     * expiry, nonces, rate limiting and the request log always run on real time.
     */
    public static AtlasSimulator start(Clock dataClock) {
        return new AtlasSimulator(dataClock);
    }

    /** E.g. {@code http://127.0.0.1:41234}; Atlas paths ({@code /api/atlas/v2/...}, {@code /api/oauth/token}) go under it. */
    public URI baseUrl() {
        return baseUrl;
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
    }

    // --- credentials ---

    public void addServiceAccount(String clientId, String clientSecret) {
        serviceAccounts.add(clientId, clientSecret);
    }

    /** A legacy API key: HTTP Digest with MD5 and {@code qop=auth}. */
    public void addApiKey(String publicKey, String privateKey) {
        digest.add(publicKey, privateKey);
    }

    /** Lifetime of tokens issued from now on ({@code expires_in}, rounded up to whole seconds); default 3600 s. */
    public void tokenLifetime(Duration lifetime) {
        serviceAccounts.lifetime(lifetime);
    }

    /** Every bearer token issued so far stops working: the next call with one gets a 401. */
    public void revokeAllTokens() {
        serviceAccounts.revokeAll();
    }

    /** Successful {@code POST /api/oauth/token} calls so far. */
    public int tokensIssued() {
        return serviceAccounts.issued();
    }

    /** How long a Digest nonce is accepted before a correct answer gets {@code stale=true}; default 5 minutes. */
    public void digestNonceLifetime(Duration lifetime) {
        digest.nonceLifetime(lifetime);
    }

    // --- data ---

    /**
     * Adds an org whose pending invoice (for the data clock's current month) holds the days up to yesterday, at
     * least one.
     */
    public SimulatedOrg addOrg(String orgId, String name, long seed, int lineItemsPerDay) {
        LocalDate today = LocalDate.now(dataClock);
        return addOrg(orgId, name, seed, lineItemsPerDay, Math.max(1, today.getDayOfMonth() - 1));
    }

    /**
     * Adds an org whose pending invoice holds exactly {@code usageDays} days of {@code lineItemsPerDay} lines each
     * (so {@code usageDays * lineItemsPerDay} line items: 20 x 10,000 gives the 200,000-line benchmark invoice).
     */
    public SimulatedOrg addOrg(String orgId, String name, long seed, int lineItemsPerDay, int usageDays) {
        SimulatedOrg org =
                new SimulatedOrg(orgId, name, seed, lineItemsPerDay, YearMonth.now(dataClock), usageDays, invoiceJson);
        if (orgs.putIfAbsent(orgId, org) != null) {
            throw new IllegalStateException("Org " + orgId + " already exists");
        }
        return org;
    }

    public SimulatedOrg org(String orgId) {
        SimulatedOrg org = orgs.get(orgId);
        if (org == null) {
            throw new IllegalArgumentException("No simulated org " + orgId);
        }
        return org;
    }

    public List<SimulatedOrg> orgs() {
        return List.copyOf(orgs.values());
    }

    /**
     * Takes the org off {@code GET /api/atlas/v2/orgs} (the service account no longer sees it); its data and
     * endpoints stay. Every org is listed from {@link #addOrg} on until hidden.
     */
    public void hideOrg(String orgId) {
        org(orgId);
        hidden.add(orgId);
    }

    /** Lists a hidden org again on {@code GET /api/atlas/v2/orgs}. */
    public void showOrg(String orgId) {
        org(orgId);
        hidden.remove(orgId);
    }

    /** The orgs {@code GET /api/atlas/v2/orgs} lists now. */
    public List<SimulatedOrg> visibleOrgs() {
        return orgs.values().stream().filter(org -> !hidden.contains(org.id())).toList();
    }

    // --- rate limit ---

    /** Per-org bucket for all invoice calls; default capacity 500, refill 100 per 60 s. Buckets start full again. */
    public void rateLimit(int capacity, int refillPerMinute) {
        rateLimit(capacity, refillPerMinute, Duration.ofSeconds(60));
    }

    /** Like {@link #rateLimit(int, int)} with any refill period, so tests need not wait a minute. */
    public void rateLimit(int capacity, int refillAmount, Duration refillPeriod) {
        rateLimiter.configure(new RateLimiter.Config(capacity, refillAmount, refillPeriod));
    }

    /** Tokens left in the org's bucket now. */
    public long rateLimitRemaining(String orgId) {
        return rateLimiter.remaining(orgId);
    }

    // --- faults ---

    /** The next request of that org (after authentication and the version check) gets the fault; FIFO. */
    public void enqueueFault(String orgId, Fault fault) {
        faults.enqueue(orgId, fault);
    }

    /** The next {@code POST /api/oauth/token} gets the fault; FIFO. */
    public void enqueueTokenEndpointFault(Fault fault) {
        faults.enqueue(FaultPlan.TOKEN_ENDPOINT, fault);
    }

    /** Every request of that org answers {@code status} with an Atlas error body (once queued faults are used up). */
    public void failAlways(String orgId, int status) {
        faults.failAlways(orgId, status);
    }

    public void clearFaults(String orgId) {
        faults.clear(orgId);
    }

    // --- request log ---

    /** Every request received, in arrival order, token endpoint calls included. */
    public List<RecordedRequest> requests() {
        return requestLog.snapshot();
    }

    public void clearRequests() {
        requestLog.clear();
    }

    // --- the pipeline ---

    private Publisher<Void> dispatch(HttpServerRequest request, HttpServerResponse response) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.rawPath();
        SocketAddress client = request.remoteAddress();
        String connection = client instanceof InetSocketAddress address
                ? address.getAddress().getHostAddress() + ":" + address.getPort()
                : String.valueOf(client);
        RequestLog.Entry entry = requestLog.start(
                request.method().name(), path, uri.rawQuery(), request.requestHeaders(), orgIdIn(path), connection);
        request.withConnection(c -> c.onDispose(() -> entry.connectionClosed(requestLog.now())));
        return Mono.defer(() -> reply(request, uri))
                .onErrorResume(failure -> {
                    log.warn("Simulator failed on {} {}", request.method(), request.uri(), failure);
                    return Mono.just(ApiErrorBody.of(500, "UNEXPECTED_ERROR", "Unexpected error.")
                            .toReply(false, false));
                })
                .flatMap(reply -> send(request, response, entry, reply))
                .doFinally(signal -> {
                    entry.complete(requestLog.now());
                    log.debug(
                            "{} {} -> {}",
                            request.method(),
                            request.uri(),
                            entry.toRecord().status());
                });
    }

    private Mono<Reply> reply(HttpServerRequest request, QueryStringDecoder uri) {
        Router.Match match = router.match(request.method(), uri.rawPath());
        Exchange exchange = new Exchange(request, uri.parameters(), match.variables());
        Route route = match.route();
        if (route == null) {
            return Mono.just(
                    match.pathKnown()
                            ? ApiErrorBody.of(
                                            405,
                                            "METHOD_NOT_ALLOWED",
                                            request.method() + " is not supported on " + uri.rawPath() + ".")
                                    .toReply(exchange.envelope(), exchange.pretty())
                            : ApiErrorBody.of(
                                            404,
                                            "RESOURCE_NOT_FOUND",
                                            "Cannot find resource " + uri.rawPath() + ".",
                                            uri.rawPath())
                                    .toReply(exchange.envelope(), exchange.pretty()));
        }
        if (!route.atlasApi()) {
            return applyFault(faults.next(route.template()), exchange, route, null);
        }
        Reply refused = authenticate(exchange);
        if (refused != null) {
            return Mono.just(refused);
        }
        String mediaType = negotiate(exchange.header("Accept"), route.mediaTypes());
        if (mediaType == null) {
            return Mono.just(notAcceptable(exchange, route));
        }
        exchange.mediaType(mediaType);
        for (Map.Entry<String, String> variable : exchange.variables().entrySet()) {
            if (variable.getKey().endsWith("Id") && !AtlasIds.isObjectId(variable.getValue())) {
                return Mono.just(ApiErrorBody.of(
                                400,
                                "INVALID_PARAMETER",
                                "Invalid " + variable.getKey() + " " + variable.getValue()
                                        + ": must be 24 hexadecimal characters.",
                                variable.getKey(),
                                variable.getValue())
                        .toReply(exchange.envelope(), exchange.pretty()));
            }
        }
        // Endpoints of no org (the orgs list) take their faults by path template, and no org's bucket.
        String orgId = exchange.variables().get("orgId");
        return applyFault(faults.next(orgId != null ? orgId : route.template()), exchange, route, orgId);
    }

    private Mono<Reply> applyFault(@Nullable Fault fault, Exchange exchange, Route route, @Nullable String orgId) {
        if (fault == null) {
            return limited(exchange, route, orgId);
        }
        log.debug("Fault {} on {} {}", fault, exchange.method(), exchange.uri());
        if (fault instanceof Fault.Status status) {
            return Mono.just(ApiErrorBody.forStatus(status.status()).toReply(exchange.envelope(), exchange.pretty()));
        }
        if (fault instanceof Fault.TooManyRequests tooMany) {
            return Mono.just(tooManyRequests(exchange, tooMany));
        }
        if (fault instanceof Fault.ConnectionReset) {
            return Mono.just(new Reply.Wire(0, RawWire::reset));
        }
        if (fault instanceof Fault.Delay delay) {
            return Mono.delay(delay.delay()).then(limited(exchange, route, orgId));
        }
        if (fault instanceof Fault.TruncatedBody) {
            return limited(exchange, route, orgId).map(AtlasSimulator::truncated);
        }
        if (fault instanceof Fault.MalformedBody) {
            return limited(exchange, route, orgId).map(reply -> malformed(reply, route));
        }
        throw new IllegalStateException("Unknown fault " + fault);
    }

    /** The org's bucket, then the handler; rate-limit headers on what comes back. */
    private Mono<Reply> limited(Exchange exchange, Route route, @Nullable String orgId) {
        if (orgId == null) {
            return route.handler().handle(exchange);
        }
        RateLimiter.Decision decision = rateLimiter.acquire(orgId);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("RateLimit-Limit", Integer.toString(decision.limit()));
        headers.put("RateLimit-Remaining", Long.toString(decision.remaining()));
        if (!decision.allowed()) {
            RateLimiter.Config config = decision.config();
            long refillSeconds = config.refillPeriod().toSeconds();
            headers.put("Retry-After", Long.toString(decision.retryAfterSeconds()));
            String path = exchange.uri().replaceFirst("^/", "").replaceFirst("\\?.*$", "");
            return Mono.just(ApiErrorBody.of(
                            429,
                            "RATE_LIMITED",
                            "Rate limit exceeded for " + path
                                    + ". Please retry after " + decision.retryAfterSeconds() + " seconds. Request "
                                    + "capacity: " + config.capacity() + ". Refill rate: " + config.refillAmount()
                                    + " per " + refillSeconds + " seconds.",
                            path,
                            decision.retryAfterSeconds(),
                            config.capacity(),
                            config.refillAmount(),
                            refillSeconds)
                    .toReply(exchange.envelope(), exchange.pretty(), headers));
        }
        return route.handler()
                .handle(exchange)
                .map(reply ->
                        reply instanceof Reply.Body body && body.status() < 300 ? body.withHeaders(headers) : reply);
    }

    /** Bearer token or Digest answer; null when authenticated, else the 401 to send. */
    private @Nullable Reply authenticate(Exchange exchange) {
        String authorization = exchange.header("Authorization");
        boolean stale = false;
        if (authorization != null) {
            if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                if (serviceAccounts.isValid(authorization.substring(7).strip())) {
                    return null;
                }
            } else if (authorization.regionMatches(true, 0, "Digest ", 0, 7)) {
                DigestAuth.Outcome outcome = digest.verify(exchange.method(), exchange.uri(), authorization);
                if (outcome == DigestAuth.Outcome.OK) {
                    return null;
                }
                stale = outcome == DigestAuth.Outcome.STALE;
            }
        }
        // Atlas challenges for Digest on every 401, whatever the client tried.
        return ApiErrorBody.of(401, "UNAUTHORIZED", "You are not authorized for this resource.")
                .toReply(exchange.envelope(), exchange.pretty(), Map.of("WWW-Authenticate", digest.challenge(stale)));
    }

    /** The first offered type the {@code Accept} header lists (parameters such as {@code q} ignored). */
    static @Nullable String negotiate(@Nullable String accept, List<String> offered) {
        if (offered.isEmpty()) {
            return "application/json";
        }
        if (accept == null) {
            return null;
        }
        for (String range : accept.split(",")) {
            String type = range.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (offered.contains(type)) {
                return type;
            }
        }
        return null;
    }

    private static Reply notAcceptable(Exchange exchange, Route route) {
        String accept = exchange.header("Accept");
        String detail = accept == null
                ? "Missing Accept header. This resource needs " + String.join(" or ", route.mediaTypes()) + "."
                : "Invalid accept header or version date: " + accept + ". This resource needs "
                        + String.join(" or ", route.mediaTypes()) + ".";
        return ApiErrorBody.of(406, "INVALID_VERSION_DATE", detail, accept == null ? "" : accept)
                .toReply(exchange.envelope(), exchange.pretty());
    }

    private static Reply tooManyRequests(Exchange exchange, Fault.TooManyRequests fault) {
        Map<String, String> headers = new LinkedHashMap<>();
        String detail = "Rate limit exceeded.";
        Duration retryAfter = fault.retryAfter();
        if (retryAfter != null) {
            long seconds = (retryAfter.toMillis() + 999) / 1000;
            headers.put("Retry-After", Long.toString(seconds));
            detail = "Rate limit exceeded. Please retry after " + seconds + " seconds.";
        }
        return ApiErrorBody.of(429, "RATE_LIMITED", detail).toReply(exchange.envelope(), exchange.pretty(), headers);
    }

    private static Reply truncated(Reply reply) {
        if (!(reply instanceof Reply.Body body) || body.body().length() < 2) {
            return reply;
        }
        Map<String, String> headers = new LinkedHashMap<>(body.headers());
        if (body.contentType() != null) {
            headers.put("Content-Type", body.contentType());
        }
        headers.put("Content-Length", Long.toString(body.body().length()));
        RenderedBody half = body.body().prefix(body.body().length() / 2);
        return new Reply.Wire(
                body.status(),
                connection -> RawWire.writeAndClose(
                        connection, Unpooled.wrappedBuffer(RawWire.head(body.status(), headers), half.asByteBuf())));
    }

    private static Reply malformed(Reply reply, Route route) {
        if (!(reply instanceof Reply.Body body)) {
            return reply;
        }
        String contentType = route.mediaTypes().isEmpty()
                ? "application/json"
                : route.mediaTypes().get(0);
        return new Reply.Body(
                200,
                contentType,
                RenderedBody.of("{\"links\":[{\"href\":\"\",\"rel\":\"self\"}],\"results\":[{\"id\":\"<!-- upstream"
                        + " proxy error -->}"),
                body.headers());
    }

    private Mono<Void> send(
            HttpServerRequest request, HttpServerResponse response, RequestLog.Entry entry, Reply reply) {
        if (reply instanceof Reply.Wire wire) {
            entry.status(wire.status());
            AtomicReference<Mono<Void>> written = new AtomicReference<>(Mono.empty());
            request.withConnection(connection -> written.set(wire.writer().apply(connection)));
            return written.get();
        }
        Reply.Body body = (Reply.Body) reply;
        entry.status(body.status());
        response.status(body.status());
        body.headers().forEach(response::header);
        if (body.contentType() != null) {
            response.header(HttpHeaderNames.CONTENT_TYPE, body.contentType());
        }
        response.header(
                HttpHeaderNames.CONTENT_LENGTH, Long.toString(body.body().length()));
        return response.send(body.body().byteBufs()).then();
    }

    private static @Nullable String orgIdIn(String path) {
        Matcher matcher = ORG_PATH.matcher(path);
        return matcher.find() ? matcher.group(1) : null;
    }
}
