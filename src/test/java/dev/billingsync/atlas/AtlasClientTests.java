package dev.billingsync.atlas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.web.reactive.function.client.WebClient;

/** The Atlas client against a MockWebServer: paths, headers, streaming, error decoding, retries and metrics. */
class AtlasClientTests {

    static final String ORG = "5f0c1a2b3c4d5e6f7a8b9c01";
    static final String INVOICE = "65a1b2c3d4e5f6a7b8c9d0e1";
    static final String CLIENT_ID = "mdb_sa_id_0123456789abcdef";
    static final String CLIENT_SECRET = "mdb_sa_sk_Sup3rSecretValue";
    static final AtlasCredentials.ServiceAccount SERVICE_ACCOUNT =
            new AtlasCredentials.ServiceAccount(CLIENT_ID, CLIENT_SECRET);
    static final String PENDING_PATH = "/api/atlas/v2/orgs/" + ORG + "/invoices/pending";

    final MockWebServer server = new MockWebServer();
    final FakeAtlas atlas = new FakeAtlas();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @TempDir
    Path spool;

    AtlasClient client;

    @BeforeEach
    void start() throws IOException {
        server.setDispatcher(atlas);
        server.start();
        client = client(properties(baseUrl(server), spool), meters);
    }

    @AfterEach
    void stop() {
        client.destroy();
        server.close();
    }

    @Test
    void requestsPendingInvoicesWithTheExactVersionedAcceptHeader() throws Exception {
        atlas.api(json(200, "{\"results\":[]}"));

        try (AtlasInvoiceDownload payload = client.session(ORG, SERVICE_ACCOUNT).pendingInvoices()) {
            assertThat(Files.readString(payload.file())).isEqualTo("{\"results\":[]}");
        }

        RecordedRequest request = atlas.apiRequests().get(0);
        assertThat(request.getMethod()).isEqualTo("GET");
        assertThat(request.getTarget()).isEqualTo(PENDING_PATH);
        assertThat(request.getHeaders().values("Accept")).containsExactly("application/vnd.atlas.2023-01-01+json");
        assertThat(request.getHeaders().get("User-Agent")).startsWith("billing-sync/");
        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer token-1");
    }

    @Test
    void requestsOneInvoiceById() {
        atlas.api(json(200, "{\"id\":\"" + INVOICE + "\"}"));

        client.session(ORG, SERVICE_ACCOUNT).invoice(INVOICE).close();

        assertThat(atlas.apiRequests().get(0).getTarget())
                .isEqualTo("/api/atlas/v2/orgs/" + ORG + "/invoices/" + INVOICE);
    }

    @Test
    void spoolsTheBodyToAFileWithItsSha256AndSize() throws Exception {
        String body = "{\"results\":[{\"id\":\"" + INVOICE + "\",\"amountBilledCents\":1214}]}";
        atlas.api(json(200, body));

        AtlasInvoiceDownload payload = client.session(ORG, SERVICE_ACCOUNT).pendingInvoices();

        assertThat(payload.file()).startsWith(spool).exists();
        assertThat(payload.size()).isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
        assertThat(payload.sha256()).isEqualTo(sha256(body.getBytes(StandardCharsets.UTF_8)));
        payload.close();
        assertThat(payload.file()).doesNotExist();
    }

    @Test
    void streamsA50MegabyteBodyWithoutBufferingIt() throws Exception {
        GeneratedBody body = new GeneratedBody(50L * 1024 * 1024);
        atlas.api(new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", "application/vnd.atlas.2023-01-01+json")
                .body(body)
                .build());

        try (AtlasInvoiceDownload payload = client.session(ORG, SERVICE_ACCOUNT).pendingInvoices()) {
            assertThat(payload.size()).isEqualTo(body.getContentLength());
            assertThat(payload.sha256()).isEqualTo(body.sha256());
            assertThat(Files.size(payload.file())).isEqualTo(body.getContentLength());
        }
    }

    @Test
    void decodesTheAtlasErrorBodyIntoTheException() {
        atlas.api(json(404, """
                {"error":404,"errorCode":"RESOURCE_NOT_FOUND","reason":"Not Found",
                 "detail":"Cannot find resource.","parameters":["opaque-parameter-value"]}"""));

        AtlasApiException e = catchThrowableOfType(
                AtlasApiException.class,
                () -> client.session(ORG, SERVICE_ACCOUNT).pendingInvoices());

        assertThat(e.status()).isEqualTo(404);
        assertThat(e.errorCode()).isEqualTo("RESOURCE_NOT_FOUND");
        assertThat(e.error()).isNotNull();
        assertThat(e.error().reason()).isEqualTo("Not Found");
        assertThat(e.error().parameters()).containsExactly("opaque-parameter-value");
        assertThat(e.getMessage())
                .isEqualTo("GET /orgs/{orgId}/invoices/pending answered 404 RESOURCE_NOT_FOUND: Cannot find resource.")
                .doesNotContain("opaque-parameter-value");
        assertThat(e.isRetryable()).isFalse();
    }

    @Test
    void anErrorBodyThatIsNotAtlasJsonLeavesTheErrorEmpty() {
        atlas.api(new MockResponse.Builder()
                .code(400)
                .body("<html>proxy says no</html>")
                .build());

        AtlasApiException e = catchThrowableOfType(
                AtlasApiException.class,
                () -> client.session(ORG, SERVICE_ACCOUNT).invoice(INVOICE));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.errorCode()).isEqualTo("HTTP_400");
        assertThat(e.error()).isNull();
        assertThat(e.getMessage()).isEqualTo("GET /orgs/{orgId}/invoices/{invoiceId} answered 400 HTTP_400");
    }

    @Test
    void readsNoMoreThan64KilobytesOfAnErrorBody() {
        atlas.api(new MockResponse.Builder()
                .code(500)
                .body(new GeneratedBody(10L * 1024 * 1024))
                .build());
        AtlasClient once = client(withRetry(properties(baseUrl(server), spool), 1), meters);
        try {
            AtlasApiException e = catchThrowableOfType(
                    AtlasApiException.class,
                    () -> once.session(ORG, SERVICE_ACCOUNT).pendingInvoices());
            assertThat(e.status()).isEqualTo(500);
            assertThat(e.error()).isNull();
        } finally {
            once.destroy();
        }
    }

    @Test
    void waitsForRetryAfterSecondsOn429() {
        atlas.api(json(429, "{\"error\":429,\"errorCode\":\"RATE_LIMITED\"}")
                .newBuilder()
                .addHeader("Retry-After", "2")
                .build());
        atlas.api(json(200, "{}"));

        AtlasOrgSession session = client.session(ORG, SERVICE_ACCOUNT);
        session.pendingInvoices().close();

        List<Long> arrivals = atlas.apiArrivalNanos();
        assertThat(arrivals).hasSize(2);
        assertThat(Duration.ofNanos(arrivals.get(1) - arrivals.get(0))).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(session.requestCount()).isEqualTo(2);
        assertThat(session.retryCount()).isEqualTo(1);
    }

    @Test
    void capsARetryAfterLongerThanMaxRetryAfter() {
        atlas.api(json(503, "{}").newBuilder().addHeader("Retry-After", "3600").build());
        atlas.api(json(200, "{}"));
        AtlasProperties base = properties(baseUrl(server), spool);
        AtlasClient capped = client(
                withRetry(
                        base,
                        new AtlasProperties.Retry(
                                5, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(200))),
                meters);
        try {
            capped.session(ORG, SERVICE_ACCOUNT).pendingInvoices().close();
        } finally {
            capped.destroy();
        }

        List<Long> arrivals = atlas.apiArrivalNanos();
        assertThat(Duration.ofNanos(arrivals.get(1) - arrivals.get(0)))
                .isGreaterThanOrEqualTo(Duration.ofMillis(200))
                .isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void readsRetryAfterAsSecondsOrHttpDate() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

        assertThat(AtlasRetry.parseRetryAfter("55", clock)).isEqualTo(Duration.ofSeconds(55));
        assertThat(AtlasRetry.parseRetryAfter("Sun, 22 Nov 2026 10:00:30 GMT", clock))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(AtlasRetry.parseRetryAfter("Sun, 22 Nov 2026 09:00:00 GMT", clock))
                .isEqualTo(Duration.ZERO);
        assertThat(AtlasRetry.parseRetryAfter("soon", clock)).isNull();
        assertThat(AtlasRetry.parseRetryAfter(null, clock)).isNull();
    }

    @Test
    void backsOffExponentiallyWithJitterWithinBounds() {
        AtlasRetry retry = new AtlasRetry(
                new AtlasProperties.Retry(10, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(5)),
                ORG,
                "GET /x",
                Long.MAX_VALUE,
                new AtlasMetrics(meters),
                () -> {});

        for (int i = 0; i < 100; i++) {
            assertThat(retry.backoff(1)).isEqualTo(Duration.ofSeconds(1));
            assertThat(retry.backoff(3)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(4));
            assertThat(retry.backoff(60)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(60));
        }
    }

    @Test
    void retries503And500ThenSucceeds() {
        atlas.api(json(503, "{\"error\":503,\"errorCode\":\"SERVICE_UNAVAILABLE\"}"));
        atlas.api(json(500, "{\"error\":500,\"errorCode\":\"UNEXPECTED_ERROR\"}"));
        atlas.api(json(200, "{\"ok\":true}"));

        AtlasOrgSession session = client.session(ORG, SERVICE_ACCOUNT);
        try (AtlasInvoiceDownload payload = session.pendingInvoices()) {
            assertThat(payload.size()).isEqualTo(11);
        }

        assertThat(atlas.apiRequests()).hasSize(3);
        assertThat(session.requestCount()).isEqualTo(3);
        assertThat(session.retryCount()).isEqualTo(2);
    }

    @Test
    void retriesAfterTheConnectionDropsBeforeTheResponse() {
        atlas.api(new MockResponse.Builder()
                .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
                .build());
        atlas.api(json(200, "{}"));

        AtlasOrgSession session = client.session(ORG, SERVICE_ACCOUNT);
        session.pendingInvoices().close();

        assertThat(session.requestCount()).isEqualTo(2);
        assertThat(session.retryCount()).isEqualTo(1);
    }

    @Test
    void retriesABodyCutShortAndDeletesThePartialFile() throws IOException {
        atlas.api(new MockResponse.Builder()
                .code(200)
                .body(new GeneratedBody(1024 * 1024))
                .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE)
                .build());
        atlas.api(json(200, "{\"complete\":true}"));

        AtlasOrgSession session = client.session(ORG, SERVICE_ACCOUNT);
        try (AtlasInvoiceDownload payload = session.pendingInvoices()) {
            assertThat(Files.readString(payload.file())).isEqualTo("{\"complete\":true}");
            assertThat(spooledBodies()).containsExactly(payload.file());
        }
        assertThat(session.retryCount()).isEqualTo(1);
    }

    @Test
    void retriesABodyShorterThanItsContentLength() throws IOException {
        atlas.api(new MockResponse.Builder()
                .code(200)
                .body(new TruncatedBody(1024 * 1024, 512 * 1024))
                .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE)
                .build());
        atlas.api(json(200, "{\"complete\":true}"));

        AtlasOrgSession session = client.session(ORG, SERVICE_ACCOUNT);
        try (AtlasInvoiceDownload payload = session.pendingInvoices()) {
            assertThat(payload.size()).isEqualTo(17);
            assertThat(spooledBodies()).containsExactly(payload.file());
        }
        assertThat(session.retryCount()).isEqualTo(1);
    }

    @Test
    void retriesABodyThatStallsPastTheReadTimeout() throws IOException {
        atlas.api(new MockResponse.Builder()
                .code(200)
                .body(new GeneratedBody(1024))
                .bodyDelay(2, java.util.concurrent.TimeUnit.SECONDS)
                .build());
        atlas.api(json(200, "{\"complete\":true}"));
        AtlasProperties base = properties(baseUrl(server), spool);
        AtlasClient impatient = client(
                new AtlasProperties(
                        base.baseUrl(),
                        null,
                        null,
                        null,
                        null,
                        new AtlasProperties.Timeouts(
                                Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(30)),
                        base.retry(),
                        base.versions(),
                        spool),
                meters);
        try {
            AtlasOrgSession session = impatient.session(ORG, SERVICE_ACCOUNT);
            try (AtlasInvoiceDownload payload = session.pendingInvoices()) {
                assertThat(Files.readString(payload.file())).isEqualTo("{\"complete\":true}");
                assertThat(spooledBodies()).containsExactly(payload.file());
            }
            assertThat(meters.get(AtlasMetrics.RETRIES)
                            .tag("reason", "TIMEOUT")
                            .counter()
                            .count())
                    .isEqualTo(1);
        } finally {
            impatient.destroy();
        }
    }

    @Test
    void reportsAConnectionRefusedAsAnIoErrorAfterTheLastAttempt() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        AtlasClient refused = client(properties(URI.create("http://127.0.0.1:" + closedPort), spool), meters);
        try {
            AtlasApiException e = catchThrowableOfType(
                    AtlasApiException.class,
                    () -> refused.session(ORG, new AtlasCredentials.ApiKey("pub", "priv"))
                            .pendingInvoices());
            assertThat(e.errorCode()).isEqualTo("IO_ERROR");
            assertThat(e.status()).isZero();
            assertThat(meters.get(AtlasMetrics.RETRIES)
                            .tag("reason", "IO_ERROR")
                            .counter()
                            .count())
                    .isEqualTo(4);
        } finally {
            refused.destroy();
        }
    }

    @Test
    void reportsASilentServerAsATimeout() {
        atlas.api(json(200, "{}")
                .newBuilder()
                .headersDelay(2, java.util.concurrent.TimeUnit.SECONDS)
                .build());
        atlas.api(json(200, "{}")
                .newBuilder()
                .headersDelay(2, java.util.concurrent.TimeUnit.SECONDS)
                .build());
        AtlasProperties base = properties(baseUrl(server), spool);
        AtlasProperties shortRead = new AtlasProperties(
                base.baseUrl(),
                null,
                null,
                null,
                null,
                new AtlasProperties.Timeouts(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(30)),
                new AtlasProperties.Retry(2, Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(1)),
                base.versions(),
                spool);
        AtlasClient impatient = client(shortRead, meters);
        try {
            AtlasOrgSession session = impatient.session(ORG, SERVICE_ACCOUNT);
            AtlasApiException e = catchThrowableOfType(AtlasApiException.class, session::pendingInvoices);
            assertThat(e.errorCode()).isEqualTo("TIMEOUT");
            assertThat(session.requestCount()).isEqualTo(2);
            assertThat(meters.get(AtlasMetrics.REQUESTS)
                            .tag("status", "TIMEOUT")
                            .counter()
                            .count())
                    .isEqualTo(2);
        } finally {
            impatient.destroy();
        }
    }

    @Test
    void givesUpWhenTheNextWaitWouldPassTheCallDeadline() {
        atlas.api(json(429, "{}").newBuilder().addHeader("Retry-After", "60").build());
        AtlasProperties base = properties(baseUrl(server), spool);
        AtlasProperties shortCall = new AtlasProperties(
                base.baseUrl(),
                null,
                null,
                null,
                null,
                new AtlasProperties.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(3)),
                new AtlasProperties.Retry(5, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMinutes(5)),
                base.versions(),
                spool);
        AtlasClient bounded = client(shortCall, meters);
        try {
            long start = System.nanoTime();
            AtlasApiException e = catchThrowableOfType(
                    AtlasApiException.class,
                    () -> bounded.session(ORG, SERVICE_ACCOUNT).pendingInvoices());
            assertThat(e.status()).isEqualTo(429);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        } finally {
            bounded.destroy();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 403, 404, 406, 409, 410})
    void neverRetriesOtherClientErrors(int status) {
        atlas.api(json(status, "{\"error\":" + status + ",\"errorCode\":\"SOME_CODE\"}"));

        AtlasOrgSession session = client.session(ORG, SERVICE_ACCOUNT);
        AtlasApiException e = catchThrowableOfType(AtlasApiException.class, session::pendingInvoices);

        assertThat(e.status()).isEqualTo(status);
        assertThat(atlas.apiRequests()).hasSize(1);
        assertThat(session.requestCount()).isEqualTo(1);
        assertThat(session.retryCount()).isZero();
    }

    @Test
    void throwsTheLastErrorOnceTheAttemptsAreExhausted() {
        for (int i = 0; i < 5; i++) {
            atlas.api(json(503, "{\"error\":503,\"errorCode\":\"SERVICE_UNAVAILABLE\"}"));
        }

        AtlasOrgSession session = client.session(ORG, SERVICE_ACCOUNT);
        AtlasApiException e = catchThrowableOfType(AtlasApiException.class, session::pendingInvoices);

        assertThat(e.status()).isEqualTo(503);
        assertThat(e.errorCode()).isEqualTo("SERVICE_UNAVAILABLE");
        assertThat(e.isRetryable()).isTrue();
        assertThat(atlas.apiRequests()).hasSize(5);
        assertThat(session.requestCount()).isEqualTo(5);
        assertThat(session.retryCount()).isEqualTo(4);
    }

    @Test
    void recordsRequestRetryAndDurationMetrics() {
        atlas.api(json(503, "{}"));
        atlas.api(json(200, "{}"));

        client.session(ORG, SERVICE_ACCOUNT).pendingInvoices().close();

        String endpoint = "/orgs/{orgId}/invoices/pending";
        assertThat(meters.get(AtlasMetrics.REQUESTS)
                        .tags("endpoint", endpoint, "method", "GET", "status", "503")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(meters.get(AtlasMetrics.REQUESTS)
                        .tags("endpoint", endpoint, "method", "GET", "status", "200")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(meters.get(AtlasMetrics.RETRIES)
                        .tags("endpoint", "GET " + endpoint, "reason", "503")
                        .counter()
                        .count())
                .isEqualTo(1);
        // A body's duration is recorded when its stream terminates, which may be a moment after the payload is handed
        // over.
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(meters.get(AtlasMetrics.REQUEST_DURATION)
                                .tag("endpoint", endpoint)
                                .timer()
                                .count())
                        .isEqualTo(2));
        assertThat(meters.get(AtlasMetrics.TOKEN_FETCHES)
                        .tag("outcome", "success")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void redactsSecretsInPropertiesToString() {
        AtlasProperties properties = new AtlasProperties(
                URI.create("https://cloud.mongodb.com"),
                CLIENT_ID,
                CLIENT_SECRET,
                "pubkey",
                "private-key-value",
                defaults().timeouts(),
                defaults().retry(),
                defaults().versions(),
                null);

        assertThat(properties.toString())
                .contains(CLIENT_ID, "pubkey")
                .doesNotContain(CLIENT_SECRET, "private-key-value");
        assertThat(properties.credentials()).contains(SERVICE_ACCOUNT);
    }

    @Test
    void prefersTheServiceAccountAndTreatsBlankAsUnset() {
        AtlasProperties apiKeyOnly = new AtlasProperties(
                URI.create("https://cloud.mongodb.com"),
                " ",
                "",
                "pub",
                "priv",
                defaults().timeouts(),
                defaults().retry(),
                defaults().versions(),
                null);
        AtlasProperties none = new AtlasProperties(
                URI.create("https://cloud.mongodb.com"),
                null,
                null,
                null,
                null,
                defaults().timeouts(),
                defaults().retry(),
                defaults().versions(),
                null);

        assertThat(apiKeyOnly.credentials()).contains(new AtlasCredentials.ApiKey("pub", "priv"));
        assertThat(none.credentials()).isEmpty();
    }

    // --- fixtures shared by the Atlas client and filter tests

    static AtlasClient client(AtlasProperties properties, MeterRegistry meters) {
        return new AtlasClient(properties, WebClient.builder(), meters);
    }

    static URI baseUrl(MockWebServer server) {
        return URI.create("http://" + server.getHostName() + ":" + server.getPort());
    }

    /** Fast retries for tests: 5 attempts, 10–50 ms back-off. */
    static AtlasProperties properties(URI baseUrl, Path spool) {
        return new AtlasProperties(
                baseUrl,
                null,
                null,
                null,
                null,
                new AtlasProperties.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(30)),
                new AtlasProperties.Retry(5, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(5)),
                new AtlasProperties.Versions("2023-01-01", "2023-01-01"),
                spool);
    }

    static AtlasProperties withRetry(AtlasProperties p, int maxAttempts) {
        return withRetry(
                p,
                new AtlasProperties.Retry(
                        maxAttempts,
                        p.retry().initialBackoff(),
                        p.retry().maxBackoff(),
                        p.retry().maxRetryAfter()));
    }

    static AtlasProperties withRetry(AtlasProperties p, AtlasProperties.Retry retry) {
        return new AtlasProperties(
                p.baseUrl(),
                p.clientId(),
                p.clientSecret(),
                p.publicKey(),
                p.privateKey(),
                p.timeouts(),
                retry,
                p.versions(),
                p.spoolDirectory());
    }

    static AtlasProperties defaults() {
        return new AtlasProperties(
                URI.create("https://cloud.mongodb.com"),
                null,
                null,
                null,
                null,
                new AtlasProperties.Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(15)),
                new AtlasProperties.Retry(5, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(5)),
                new AtlasProperties.Versions("2023-01-01", "2023-01-01"),
                null);
    }

    static MockResponse json(int status, String body) {
        return new MockResponse.Builder()
                .code(status)
                .addHeader("Content-Type", status < 300 ? "application/vnd.atlas.2023-01-01+json" : "application/json")
                .body(body)
                .build();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /**
     * A scripted Atlas: the token endpoint answers through {@link #token}, {@code /api/atlas/v2} takes the queued
     * responses in order. Every request is recorded with its arrival time.
     */
    static final class FakeAtlas extends Dispatcher {

        private final BlockingQueue<MockResponse> apiResponses = new LinkedBlockingQueue<>();
        private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
        private volatile Function<Integer, MockResponse> token =
                n -> json(200, "{\"access_token\":\"token-" + n + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");

        record Arrival(RecordedRequest request, long nanos) {}

        void api(MockResponse response) {
            apiResponses.add(response);
        }

        /** How the token endpoint answers its n-th request (1-based). */
        void token(Function<Integer, MockResponse> answer) {
            this.token = answer;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            arrivals.add(new Arrival(request, System.nanoTime()));
            if (request.getTarget().equals("/api/oauth/token")) {
                return token.apply(tokenRequests().size());
            }
            MockResponse next = apiResponses.poll();
            return next != null ? next : json(500, "{\"error\":500,\"errorCode\":\"NOTHING_SCRIPTED\"}");
        }

        List<RecordedRequest> tokenRequests() {
            return arrivals.stream()
                    .map(Arrival::request)
                    .filter(r -> r.getTarget().equals("/api/oauth/token"))
                    .toList();
        }

        List<RecordedRequest> apiRequests() {
            return arrivals.stream()
                    .map(Arrival::request)
                    .filter(r -> r.getTarget().startsWith("/api/atlas/v2/"))
                    .toList();
        }

        List<Long> apiArrivalNanos() {
            List<Long> nanos = new ArrayList<>();
            for (Arrival arrival : arrivals) {
                if (arrival.request().getTarget().startsWith("/api/atlas/v2/")) {
                    nanos.add(arrival.nanos());
                }
            }
            return nanos;
        }
    }

    /** Declares {@code declared} bytes but writes only {@code written}: a response cut short. */
    record TruncatedBody(long declared, long written) implements MockResponseBody {

        @Override
        public long getContentLength() {
            return declared;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            new GeneratedBody(written).writeTo(sink);
        }
    }

    /** A deterministic body of any size, written in 64 KB chunks and never held whole in memory. */
    static final class GeneratedBody implements MockResponseBody {

        private final long size;

        GeneratedBody(long size) {
            this.size = size;
        }

        @Override
        public long getContentLength() {
            return size;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            byte[] chunk = new byte[64 * 1024];
            long written = 0;
            while (written < size) {
                int n = (int) Math.min(chunk.length, size - written);
                fill(chunk, written, n);
                sink.write(chunk, 0, n);
                written += n;
            }
        }

        String sha256() throws Exception {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] chunk = new byte[64 * 1024];
            long done = 0;
            while (done < size) {
                int n = (int) Math.min(chunk.length, size - done);
                fill(chunk, done, n);
                digest.update(chunk, 0, n);
                done += n;
            }
            return HexFormat.of().formatHex(digest.digest());
        }

        private static void fill(byte[] chunk, long offset, int n) {
            for (int i = 0; i < n; i++) {
                chunk[i] = (byte) ('a' + (int) ((offset + i) % 26));
            }
        }
    }

    /** The response bodies spooled under {@link #spool} (each client keeps them in a folder of its own there). */
    private List<Path> spooledBodies() throws IOException {
        try (Stream<Path> files = Files.walk(spool)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".body"))
                    .toList();
        }
    }
}
