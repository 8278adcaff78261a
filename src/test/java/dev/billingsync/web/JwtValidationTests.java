package dev.billingsync.web;

import static dev.billingsync.web.ApiSliceTest.ORG_A;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/**
 * Real signed JWTs through Spring Boot's own decoder, configured as in production with {@code jwk-set-uri},
 * {@code issuer-uri} and {@code audiences} ({@link JwtProperties} refuses to start without the last two): a token for
 * another audience or from another issuer is a 401 even with the right scope and orgs. The JWK set is served by a
 * local HTTP server; no request goes to the issuer URI.
 */
@ApiSliceTest
class JwtValidationTests {

    static final String ISSUER = "https://login.example.test/realms/finance";
    static final String AUDIENCE = "billing-sync";

    static final KeyPair KEYS = rsaKeyPair();
    static final HttpServer JWKS = jwksServer();

    @DynamicPropertySource
    static void jwtProperties(DynamicPropertyRegistry registry) {
        registry.add(
                "spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
                () -> "http://localhost:" + JWKS.getAddress().getPort() + "/jwks");
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", () -> ISSUER);
        registry.add("spring.security.oauth2.resourceserver.jwt.audiences", () -> AUDIENCE + ",billing-sync-alias");
    }

    @AfterAll
    static void stopJwks() {
        JWKS.stop(0);
    }

    @Autowired
    MockMvc mvc;

    @Test
    void acceptsATokenForThisAudienceWithScopeAndOrgs() throws Exception {
        bearer(token(claims -> {})).andExpect(status().isOk());
        // one matching audience among several is enough
        bearer(token(claims -> claims.audience(List.of("another-api", "billing-sync-alias"))))
                .andExpect(status().isOk());
    }

    @Test
    void refusesATokenForAnotherAudience() throws Exception {
        bearer(token(claims -> claims.audience("another-api")))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.errorCode").value("UNAUTHORIZED"))
                .andExpect(jsonPath("$.detail").value(ApiSecurityErrors.INVALID_TOKEN_DETAIL));
        bearer(token(claims -> claims.audience(List.of()))).andExpect(status().isUnauthorized());
    }

    @Test
    void refusesATokenFromAnotherIssuerSignedWithTheSameKeys() throws Exception {
        bearer(token(claims -> claims.issuer("https://login.example.test/realms/other")))
                .andExpect(status().isUnauthorized());
        bearer(token(claims -> claims.claim("iss", null))).andExpect(status().isUnauthorized());
    }

    @Test
    void refusesATokenSignedWithAnotherKey() throws Exception {
        bearer(sign(claims(claims -> {}), rsaKeyPair())).andExpect(status().isUnauthorized());
    }

    private ResultActions bearer(String token) throws Exception {
        return mvc.perform(get("/api/v1/test/orgs/{orgId}", ORG_A).header("Authorization", "Bearer " + token));
    }

    private static String token(Consumer<JWTClaimsSet.Builder> changes) {
        return sign(claims(changes), KEYS);
    }

    /** A token this API accepts, before {@code changes}. */
    private static JWTClaimsSet claims(Consumer<JWTClaimsSet.Builder> changes) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("finance-app")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("scope", "billing:read")
                .claim("orgs", List.of(ORG_A));
        changes.accept(claims);
        return claims.build();
    }

    private static String sign(JWTClaimsSet claims, KeyPair keys) {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims);
            jwt.sign(new RSASSASigner(keys.getPrivate()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer jwksServer() {
        byte[] body = new JWKSet(new RSAKey.Builder((RSAPublicKey) KEYS.getPublic())
                        .keyID("k1")
                        .build())
                .toString()
                .getBytes(StandardCharsets.UTF_8);
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
            server.createContext("/jwks", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
