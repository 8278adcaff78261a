package dev.billingsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.TestApiKey;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.sync.ManualRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The access-control matrix: no credentials, bad credentials, API keys by role and org, JWTs with and without scope
 * and orgs claim, on every endpoint. A caller never sees data of an org it may not see.
 */
@BillingSyncIntegrationTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "billing.cost-explorer.enabled=false")
@TestApiKey(name = "reader-all", key = ApiAccessIntegrationTests.READ_ALL, roles = "READ")
@TestApiKey(name = "sync-all", key = ApiAccessIntegrationTests.SYNC_ALL, roles = "SYNC")
@TestApiKey(
        name = "reader-a",
        key = ApiAccessIntegrationTests.READ_A,
        roles = "READ",
        orgs = ApiAccessIntegrationTests.ORG_A)
@TestApiKey(
        name = "both-a",
        key = ApiAccessIntegrationTests.BOTH_A,
        roles = {"READ", "SYNC"},
        orgs = ApiAccessIntegrationTests.ORG_A)
class ApiAccessIntegrationTests {

    static final String READ_ALL = "read-all-key-0123456789abcdef";
    static final String SYNC_ALL = "sync-all-key-0123456789abcdef";
    static final String READ_A = "read-a-key-0123456789abcdef01";
    static final String BOTH_A = "both-a-key-0123456789abcdef01";
    static final String ORG_A = "9d0c1a2b3c4d5e6f7a8b9c01";
    static final String ORG_B = "9d0c1a2b3c4d5e6f7a8b9c02";

    @AtlasUnderTest
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static final KeyPair jwtKeys = rsaKeys();
    static final Path publicKeyFile = writePublicKey(jwtKeys);

    static {
        atlas.addOrg(ORG_A, "Org A", 21, 3);
        atlas.addOrg(ORG_B, "Org B", 22, 3);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add(
                "spring.security.oauth2.resourceserver.jwt.public-key-location",
                () -> publicKeyFile.toUri().toString());
        // required whenever JWTs are accepted (JwtProperties); the tokens below carry it
        registry.add("spring.security.oauth2.resourceserver.jwt.audiences", () -> "billing-sync");
    }

    static boolean synced;

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    ApiTestClient api;

    @BeforeEach
    void syncOnce() {
        api = new ApiTestClient(port);
        if (!synced) {
            ManualRun.configuredOrgIds(context).forEach(orgId -> ManualRun.of(context, orgId));
            synced = true;
        }
    }

    /** Every GET endpoint of org {@code orgId}. */
    private List<String> readEndpoints(String orgId) {
        String invoice = atlas.org(orgId).pendingInvoiceId();
        return List.of(
                "/api/v1/orgs/" + orgId + "/invoices/pending",
                "/api/v1/orgs/" + orgId + "/invoices",
                "/api/v1/orgs/" + orgId + "/invoices/" + invoice,
                "/api/v1/orgs/" + orgId + "/invoices/" + invoice + "/lineItems",
                "/api/v1/orgs/" + orgId + "/billing/costExplorer/usage",
                "/api/v1/orgs/" + orgId + "/billing/costExplorer/queries",
                "/api/v1/spend?groupBy=sku&orgId=" + orgId,
                "/api/v1/orgs/" + orgId + "/spend/forecast",
                "/api/v1/focus?billingPeriod=" + java.time.YearMonth.now(java.time.ZoneOffset.UTC) + "&orgId=" + orgId,
                "/api/v1/syncRuns?orgId=" + orgId,
                "/api/v1/syncRuns/" + runOf(orgId));
    }

    @Test
    void noOrBadCredentialsAre401OnEveryEndpoint() {
        List<String> all = new ArrayList<>(readEndpoints(ORG_A));
        all.add("/api/v1/orgs");
        all.add("/api/v1/syncRuns");
        for (String path : all) {
            assertError(call("GET", path, null, null), 401, path);
            assertError(call("GET", path, "not-a-key-not-a-key-not-a-key", null), 401, path);
            assertError(call("GET", path, null, "not.a.jwt"), 401, path);
            assertError(
                    call(
                            "GET",
                            path,
                            null,
                            jwt("billing:read", List.of("*"), Instant.now().minusSeconds(60))),
                    401,
                    path);
        }
        assertError(call("POST", "/api/v1/orgs/" + ORG_A + "/syncRuns", null, null), 401, "POST");
    }

    @Test
    void readersSeeTheirOrgsAndNothingElse() {
        for (String path : readEndpoints(ORG_A)) {
            assertThat(call("GET", path, READ_ALL, null).status()).as(path).isEqualTo(200);
            assertThat(call("GET", path, READ_A, null).status()).as(path).isEqualTo(200);
            assertThat(call("GET", path, null, jwt("billing:read", List.of(ORG_A), null))
                            .status())
                    .as(path)
                    .isEqualTo(200);
        }
        for (String path : readEndpoints(ORG_B)) {
            int expected = path.startsWith("/api/v1/syncRuns/") ? 404 : 403;
            assertError(call("GET", path, READ_A, null), expected, path);
            assertError(call("GET", path, null, jwt("billing:read", List.of(ORG_A), null)), expected, path);
            assertError(call("GET", path, null, jwt("billing:read", null, null)), expected, path);
        }
        assertThat(ids(call("GET", "/api/v1/orgs", READ_A, null).json())).containsExactly(ORG_A);
        assertThat(ids(call("GET", "/api/v1/orgs", READ_ALL, null).json())).containsExactlyInAnyOrder(ORG_A, ORG_B);
        assertThat(ids(call("GET", "/api/v1/orgs", null, jwt("billing:read", List.of(ORG_A), null))
                        .json()))
                .containsExactly(ORG_A);
        assertThat(ids(call("GET", "/api/v1/orgs", null, jwt("billing:read", List.of("*"), null))
                        .json()))
                .containsExactlyInAnyOrder(ORG_A, ORG_B);
        JsonNode runs =
                call("GET", "/api/v1/syncRuns?itemsPerPage=500", READ_A, null).json();
        assertThat(runs.get("results"))
                .isNotEmpty()
                .allSatisfy(run -> assertThat(run.get("orgId").asString()).isEqualTo(ORG_A));
    }

    @Test
    void rolesAndScopesGateReadingAndSyncing() {
        String read = "/api/v1/orgs/" + ORG_A + "/invoices";
        assertError(call("GET", read, SYNC_ALL, null), 403, "sync-only key reads");
        assertError(call("GET", read, null, jwt("billing:sync", List.of("*"), null)), 403, "sync-only jwt reads");
        assertError(call("GET", read, null, jwt("openid", List.of("*"), null)), 403, "jwt without scope");

        String sync = "/api/v1/orgs/" + ORG_A + "/syncRuns";
        assertError(call("POST", sync, READ_ALL, null), 403, "read key syncs");
        assertError(call("POST", sync, null, jwt("billing:read", List.of("*"), null)), 403, "read jwt syncs");
        assertError(call("POST", "/api/v1/orgs/" + ORG_B + "/syncRuns", BOTH_A, null), 403, "key for A syncs B");
        assertThat(call("POST", sync, BOTH_A, null).status()).isIn(202, 409);
        awaitIdle(ORG_A);
        assertThat(call("POST", sync, null, jwt("billing:sync", List.of(ORG_A), null))
                        .status())
                .isIn(202, 409);
        awaitIdle(ORG_A);
    }

    @Test
    void actuatorHealthAndPrometheusAreOpenButOtherEndpointsAreNot() {
        assertThat(call("GET", "/actuator/health", null, null).status()).isEqualTo(200);
        assertThat(call("GET", "/actuator/health/readiness", null, null).status())
                .isEqualTo(200);
        assertThat(api.send("GET", "/actuator/prometheus", null, null, "text/plain")
                        .status())
                .isEqualTo(200);
        assertThat(call("GET", "/actuator/metrics", null, null).status()).isEqualTo(401);
    }

    private void awaitIdle(String orgId) {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> call("GET", "/api/v1/syncRuns?status=RUNNING&orgId=" + orgId, READ_ALL, null)
                                .json()
                                .get("totalCount")
                                .intValue()
                        == 0);
    }

    private ApiTestClient.Response call(String method, String path, @Nullable String key, @Nullable String bearer) {
        return api.send(method, path, key, bearer, "application/json");
    }

    private static void assertError(ApiTestClient.Response response, int status, String what) {
        assertThat(response.status()).as(what).isEqualTo(status);
        JsonNode body = response.json();
        assertThat(body.get("error").intValue()).as(what).isEqualTo(status);
        assertThat(body.get("errorCode").asString()).as(what).isNotBlank();
        assertThat(response.body()).as(what).doesNotContain("Org B").doesNotContain("amountBilledCents");
    }

    private String runOf(String orgId) {
        return call("GET", "/api/v1/syncRuns?orgId=" + orgId, READ_ALL, null)
                .json()
                .get("results")
                .get(0)
                .get("id")
                .asString();
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.get("results").forEach(org -> ids.add(org.get("id").asString()));
        return ids;
    }

    private static String jwt(String scope, @Nullable List<String> orgs, @Nullable Instant expiresAt) {
        try {
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                    .subject("finance-app")
                    .audience("billing-sync")
                    .issueTime(new Date())
                    .expirationTime(Date.from(
                            expiresAt != null ? expiresAt : Instant.now().plusSeconds(300)))
                    .claim("scope", scope);
            if (orgs != null) {
                claims.claim("orgs", orgs.size() == 1 && orgs.get(0).equals("*") ? "*" : orgs);
            }
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims.build());
            jwt.sign(new RSASSASigner((RSAPrivateKey) jwtKeys.getPrivate()));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsaKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path writePublicKey(KeyPair keys) {
        try {
            Path file = Files.createTempFile("billing-sync-jwt", ".pem");
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes())
                            .encodeToString(keys.getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n";
            Files.writeString(file, pem);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
