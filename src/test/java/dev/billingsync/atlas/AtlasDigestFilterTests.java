package dev.billingsync.atlas;

import static dev.billingsync.atlas.AtlasClientTests.ORG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;

/** Legacy API keys: HTTP Digest (MD5, qop=auth) answered by the filter, then signed preemptively. */
@ExtendWith(OutputCaptureExtension.class)
class AtlasDigestFilterTests {

    static final String PUBLIC_KEY = "abcdefgh";
    static final String PRIVATE_KEY = "6b1e0f3c-private-key-value";
    static final AtlasCredentials.ApiKey API_KEY = new AtlasCredentials.ApiKey(PUBLIC_KEY, PRIVATE_KEY);

    final MockWebServer server = new MockWebServer();
    final DigestAtlas atlas = new DigestAtlas(PUBLIC_KEY, PRIVATE_KEY);

    @TempDir
    Path spool;

    AtlasClient client;

    @BeforeEach
    void start() throws IOException {
        server.setDispatcher(atlas);
        server.start();
        client = AtlasClientTests.client(
                AtlasClientTests.properties(AtlasClientTests.baseUrl(server), spool), new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() {
        client.destroy();
        server.close();
    }

    @Test
    void answersTheChallengeThenSignsLaterRequestsPreemptively() {
        AtlasOrgSession session = client.session(ORG, API_KEY);

        session.pendingInvoices().close();
        session.invoice(AtlasClientTests.INVOICE).close();
        client.session("5f0c1a2b3c4d5e6f7a8b9c02", API_KEY).pendingInvoices().close();

        assertThat(atlas.requests).hasSize(4);
        assertThat(atlas.requests.get(0).getHeaders().get("Authorization")).isNull();
        assertThat(atlas.requests)
                .extracting(r -> atlas.outcome(r))
                .containsExactly("challenged", "ok nc=00000001", "ok nc=00000002", "ok nc=00000003");
        assertThat(session.requestCount()).as("the challenge round trip counts").isEqualTo(3);
        assertThat(session.retryCount()).isZero();
    }

    @Test
    void failsWith401WhenTheKeyIsWrong(CapturedOutput output) {
        AtlasOrgSession session = client.session(ORG, new AtlasCredentials.ApiKey(PUBLIC_KEY, "wrong-private-key"));

        AtlasApiException e = catchThrowableOfType(AtlasApiException.class, session::pendingInvoices);

        assertThat(e.status()).isEqualTo(401);
        assertThat(e.errorCode()).isEqualTo("UNAUTHORIZED");
        assertThat(atlas.requests).hasSize(2);
        assertThat(session.requestCount()).isEqualTo(2);
        assertThat(e.toString()).doesNotContain("wrong-private-key");
        assertThat(output.getAll()).doesNotContain("wrong-private-key", PRIVATE_KEY);
    }

    @Test
    void answersAFreshChallengeWhenTheNonceGoesStale() {
        AtlasOrgSession session = client.session(ORG, API_KEY);
        session.pendingInvoices().close();

        atlas.nonce = "nonce-2";
        session.pendingInvoices().close();

        assertThat(atlas.requests)
                .extracting(r -> atlas.outcome(r))
                .containsExactly("challenged", "ok nc=00000001", "stale", "ok nc=00000001");
    }

    @Test
    void resendsARequestBodyWithTheAnswer() throws IOException {
        AtlasOrgSession session = client.session(ORG, API_KEY);
        MediaType json = MediaType.parseMediaType("application/vnd.atlas.2023-01-01+json");

        try (AtlasPayload payload = session.execute(
                AtlasCall.post(
                        "/orgs/{orgId}/billing/costExplorer/usage",
                        json,
                        Map.of("startDate", "2026-09-01", "endDate", "2026-12-01"),
                        ORG),
                session::spoolOrFail)) {
            assertThat(Files.readString(payload.file())).startsWith("{\"ok\":true");
        }

        assertThat(atlas.requests).hasSize(2).allSatisfy(r -> {
            assertThat(r.getMethod()).isEqualTo("POST");
            assertThat(r.getHeaders().get("Content-Type")).isEqualTo("application/vnd.atlas.2023-01-01+json");
            assertThat(r.getBody().utf8()).contains("\"startDate\":\"2026-09-01\"");
        });
        assertThat(atlas.outcome(atlas.requests.get(1))).isEqualTo("ok nc=00000001");
    }

    /**
     * An Atlas that checks RFC 7616 Digest answers (MD5, qop=auth): the response hash, a known nonce, an {@code uri}
     * equal to the request target and an {@code nc} that only grows.
     */
    static final class DigestAtlas extends Dispatcher {

        private static final Pattern PARAM = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]*))");
        static final String REALM = "MMS Public API";

        final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
        final Map<RecordedRequest, String> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
        private final String username;
        private final String password;
        private long lastNc;
        volatile String nonce = "nonce-1";

        DigestAtlas(String username, String password) {
            this.username = username;
            this.password = password;
        }

        String outcome(RecordedRequest request) {
            return outcomes.get(request);
        }

        @Override
        public synchronized MockResponse dispatch(RecordedRequest request) {
            requests.add(request);
            String authorization = request.getHeaders().get("Authorization");
            if (authorization == null || !authorization.startsWith("Digest ")) {
                return challenge(request, "challenged", false);
            }
            Map<String, String> p = params(authorization.substring("Digest ".length()));
            if (!nonce.equals(p.get("nonce"))) {
                return challenge(request, "stale", true);
            }
            long nc = Long.parseLong(p.getOrDefault("nc", "0"), 16);
            String ha1 = md5(username + ":" + REALM + ":" + password);
            String ha2 = md5(request.getMethod() + ":" + p.get("uri"));
            String expected = md5(ha1 + ":" + nonce + ":" + p.get("nc") + ":" + p.get("cnonce") + ":auth:" + ha2);
            boolean valid = username.equals(p.get("username"))
                    && REALM.equals(p.get("realm"))
                    && "auth".equals(p.get("qop"))
                    && request.getTarget().equals(p.get("uri"))
                    && nc > lastNc
                    && expected.equals(p.get("response"));
            if (!valid) {
                return challenge(request, "rejected", false);
            }
            lastNc = nc;
            outcomes.put(request, "ok nc=" + p.get("nc"));
            return AtlasClientTests.json(200, "{\"ok\":true,\"nc\":\"" + p.get("nc") + "\"}");
        }

        private MockResponse challenge(RecordedRequest request, String outcome, boolean stale) {
            outcomes.put(request, outcome);
            if (stale) {
                lastNc = 0;
            }
            return AtlasClientTests.json(
                            401, "{\"error\":401,\"errorCode\":\"UNAUTHORIZED\",\"reason\":\"Unauthorized\"}")
                    .newBuilder()
                    .addHeader(
                            "WWW-Authenticate",
                            "Digest realm=\"" + REALM + "\", domain=\"\", nonce=\"" + nonce
                                    + "\", algorithm=MD5, qop=\"auth\", stale=" + stale)
                    .build();
        }

        private static Map<String, String> params(String value) {
            Map<String, String> params = new HashMap<>();
            Matcher m = PARAM.matcher(value);
            while (m.find()) {
                params.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
            }
            return params;
        }

        private static String md5(String text) {
            try {
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
