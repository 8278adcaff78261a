package dev.billingsync.atlas;

import static dev.billingsync.atlas.AtlasClientTests.CLIENT_ID;
import static dev.billingsync.atlas.AtlasClientTests.CLIENT_SECRET;
import static dev.billingsync.atlas.AtlasClientTests.ORG;
import static dev.billingsync.atlas.AtlasClientTests.SERVICE_ACCOUNT;
import static dev.billingsync.atlas.AtlasClientTests.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.reactive.function.client.WebClient;

/** Service-account auth: one cached token per service account, Basic-authenticated token requests, 401 handling. */
@ExtendWith(OutputCaptureExtension.class)
class AtlasOAuthClientTests {

    static final String BASIC_CREDENTIALS =
            Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));

    final MockWebServer server = new MockWebServer();
    final AtlasClientTests.FakeAtlas atlas = new AtlasClientTests.FakeAtlas();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final MovableClock clock = new MovableClock();

    @TempDir
    Path spool;

    AtlasClient client;

    @BeforeEach
    void start() throws IOException {
        server.setDispatcher(atlas);
        server.start();
        client = new AtlasClient(
                AtlasClientTests.properties(AtlasClientTests.baseUrl(server), spool),
                WebClient.builder(),
                meters,
                clock,
                "test");
    }

    @AfterEach
    void stop() {
        client.destroy();
        server.close();
    }

    @Test
    void fetchesOneTokenForSeveralCallsWithBasicAuthAndAForm() {
        for (int i = 0; i < 3; i++) {
            atlas.api(json(200, "{}"));
        }

        AtlasOrgSession session = client.session(ORG, SERVICE_ACCOUNT);
        for (int i = 0; i < 3; i++) {
            session.pendingInvoices().close();
        }

        assertThat(atlas.tokenRequests()).singleElement().satisfies(token -> {
            assertThat(token.getMethod()).isEqualTo("POST");
            assertThat(token.getHeaders().get("Authorization")).isEqualTo("Basic " + BASIC_CREDENTIALS);
            assertThat(token.getHeaders().get("Content-Type")).startsWith("application/x-www-form-urlencoded");
            assertThat(token.getHeaders().get("Accept")).isEqualTo("application/json");
            assertThat(token.getBody().utf8()).isEqualTo("grant_type=client_credentials");
        });
        assertThat(atlas.apiRequests())
                .hasSize(3)
                .allSatisfy(call ->
                        assertThat(call.getHeaders().get("Authorization")).isEqualTo("Bearer token-1"));
        assertThat(session.requestCount())
                .as("token requests are not Atlas API requests")
                .isEqualTo(3);
        assertThat(meters.get(AtlasMetrics.TOKEN_FETCHES)
                        .tag("outcome", "success")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void orgsSharingAServiceAccountShareItsToken() {
        for (int i = 0; i < 3; i++) {
            atlas.api(json(200, "{}"));
        }

        client.session(ORG, SERVICE_ACCOUNT).pendingInvoices().close();
        client.session("5f0c1a2b3c4d5e6f7a8b9c02", SERVICE_ACCOUNT)
                .pendingInvoices()
                .close();
        client.session("5f0c1a2b3c4d5e6f7a8b9c03", new AtlasCredentials.ServiceAccount("other-client", "other-secret"))
                .pendingInvoices()
                .close();

        assertThat(atlas.tokenRequests()).hasSize(2);
        assertThat(atlas.apiRequests())
                .extracting(r -> r.getHeaders().get("Authorization"))
                .containsExactly("Bearer token-1", "Bearer token-1", "Bearer token-2");
    }

    @Test
    void renewsTheTokenAMinuteBeforeItExpires() {
        atlas.api(json(200, "{}"));
        atlas.api(json(200, "{}"));
        atlas.api(json(200, "{}"));
        AtlasOrgSession session = client.session(ORG, SERVICE_ACCOUNT);

        session.pendingInvoices().close();
        clock.advance(Duration.ofSeconds(3500));
        session.pendingInvoices().close();
        clock.advance(Duration.ofSeconds(45)); // 3545 s: within the 60 s skew of the 3600 s lifetime
        session.pendingInvoices().close();

        assertThat(atlas.tokenRequests()).hasSize(2);
        assertThat(atlas.apiRequests())
                .extracting(r -> r.getHeaders().get("Authorization"))
                .containsExactly("Bearer token-1", "Bearer token-1", "Bearer token-2");
    }

    @Test
    void refreshesTheTokenOnceOn401AndResends() {
        atlas.api(json(401, "{\"error\":401,\"errorCode\":\"UNAUTHORIZED\"}"));
        atlas.api(json(200, "{}"));

        AtlasOrgSession session = client.session(ORG, SERVICE_ACCOUNT);
        session.pendingInvoices().close();

        assertThat(atlas.tokenRequests()).hasSize(2);
        assertThat(atlas.apiRequests())
                .extracting(r -> r.getHeaders().get("Authorization"))
                .containsExactly("Bearer token-1", "Bearer token-2");
        assertThat(session.requestCount()).as("the auth re-try is a request").isEqualTo(2);
        assertThat(session.retryCount()).as("but not a retry").isZero();
    }

    @Test
    void failsOnASecond401WithoutLooping() {
        atlas.api(json(401, "{\"error\":401,\"errorCode\":\"UNAUTHORIZED\"}"));
        atlas.api(json(401, "{\"error\":401,\"errorCode\":\"UNAUTHORIZED\"}"));
        atlas.api(json(200, "{}"));

        AtlasOrgSession session = client.session(ORG, SERVICE_ACCOUNT);
        AtlasApiException e = catchThrowableOfType(AtlasApiException.class, session::pendingInvoices);

        assertThat(e.status()).isEqualTo(401);
        assertThat(e.errorCode()).isEqualTo("UNAUTHORIZED");
        assertThat(atlas.apiRequests()).hasSize(2);
        assertThat(atlas.tokenRequests()).hasSize(2);
        assertThat(session.requestCount()).isEqualTo(2);
    }

    @Test
    void aRejectedServiceAccountFailsWithoutCallingAtlasOrRetrying() {
        atlas.token(n -> json(401, "{\"error\":\"invalid_client\",\"error_description\":\"Invalid client\"}"));

        AtlasOrgSession session = client.session(ORG, SERVICE_ACCOUNT);
        AtlasApiException e = catchThrowableOfType(AtlasApiException.class, session::pendingInvoices);

        assertThat(e.status()).isEqualTo(401);
        assertThat(e.errorCode()).isEqualTo("OAUTH_INVALID_CLIENT");
        assertThat(atlas.tokenRequests()).hasSize(1);
        assertThat(atlas.apiRequests()).isEmpty();
        assertThat(session.requestCount()).isZero();
        assertThat(meters.get(AtlasMetrics.TOKEN_FETCHES)
                        .tag("outcome", "failure")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void retriesAnUnavailableTokenEndpoint() {
        atlas.token(n -> n == 1
                ? json(503, "unavailable")
                : json(200, "{\"access_token\":\"token-" + n + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}"));
        atlas.api(json(200, "{}"));

        AtlasOrgSession session = client.session(ORG, SERVICE_ACCOUNT);
        session.pendingInvoices().close();

        assertThat(atlas.tokenRequests()).hasSize(2);
        assertThat(atlas.apiRequests())
                .singleElement()
                .satisfies(r -> assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer token-2"));
        assertThat(session.retryCount()).isEqualTo(1);
    }

    @Test
    void neverLogsOrThrowsTheSecretOrTokens(CapturedOutput output) {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        root.setLevel(Level.DEBUG); // libraries included: a DEBUG line must not leak either
        try {
            atlas.api(json(401, "{}"));
            atlas.api(json(200, "{}"));
            atlas.api(json(503, "{}"));
            atlas.api(json(403, "{\"error\":403,\"errorCode\":\"FORBIDDEN\",\"detail\":\"No billing role.\"}"));
            AtlasOrgSession session = client.session(ORG, SERVICE_ACCOUNT);
            session.pendingInvoices().close();
            AtlasApiException forbidden = catchThrowableOfType(AtlasApiException.class, session::pendingInvoices);

            atlas.token(n -> json(401, "{\"error\":\"invalid_client\"}"));
            AtlasApiException rejected = catchThrowableOfType(
                    AtlasApiException.class,
                    () -> client.session(ORG, new AtlasCredentials.ServiceAccount("another-client", CLIENT_SECRET))
                            .pendingInvoices());

            for (AtlasApiException e : new AtlasApiException[] {forbidden, rejected}) {
                assertThat(e.toString()).doesNotContain(CLIENT_SECRET, BASIC_CREDENTIALS, "token-1", "token-2");
            }
        } finally {
            root.setLevel(level);
        }
        assertThat(output.getAll())
                .contains("Obtained an Atlas access token for service account " + CLIENT_ID)
                .doesNotContain(CLIENT_SECRET, BASIC_CREDENTIALS, "Bearer token-", "access_token");
    }

    /** The system clock, moved forward on demand (token expiry is computed from the real time of the response). */
    static final class MovableClock extends Clock {

        private volatile Duration offset = Duration.ZERO;

        void advance(Duration duration) {
            offset = offset.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }
}
