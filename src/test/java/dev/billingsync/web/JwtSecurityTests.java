package dev.billingsync.web;

import static dev.billingsync.web.ApiSliceTest.ORG_A;
import static dev.billingsync.web.ApiSliceTest.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** Bearer JWTs: scopes decide what a token may do, the {@code orgs} claim which orgs it sees. */
@ApiSliceTest
@Import(JwtSecurityTests.TokenDecoder.class)
class JwtSecurityTests {

    /** Decodes a few named tokens; every other token is invalid. Not a {@code @Configuration}: no scan finds it. */
    static class TokenDecoder {

        static final Map<String, Map<String, Object>> TOKENS = Map.of(
                "read-a", Map.of("scope", "billing:read", "orgs", List.of(ORG_A)),
                "read-all", Map.of("scope", "billing:read", "orgs", "*"),
                "read-all-in-array", Map.of("scope", "billing:read", "orgs", List.of("*")),
                "read-no-orgs", Map.of("scope", "billing:read"),
                "sync-a", Map.of("scp", List.of("billing:read", "billing:sync"), "orgs", List.of(ORG_A)),
                "sync-only-a", Map.of("scope", "billing:sync", "orgs", List.of(ORG_A)),
                "no-scope", Map.of("orgs", List.of(ORG_A)),
                "other-scopes", Map.of("scope", "openid profile billing:admin", "orgs", "*"));

        @Bean
        JwtDecoder jwtDecoder() {
            return token -> {
                Map<String, Object> claims = TOKENS.get(token);
                if (claims == null) {
                    throw new BadJwtException("An error occurred while attempting to decode the Jwt: " + token);
                }
                return Jwt.withTokenValue(token)
                        .header("alg", "RS256")
                        .subject("client-" + token)
                        .issuedAt(Instant.now())
                        .expiresAt(Instant.now().plusSeconds(300))
                        .claims(all -> all.putAll(claims))
                        .build();
            };
        }
    }

    @Autowired
    MockMvc mvc;

    ResultActions bearer(String token, MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.header("Authorization", "Bearer " + token));
    }

    @Test
    void readScopeReadsTheOrgsOfItsClaim() throws Exception {
        bearer("read-a", get("/api/v1/test/orgs/{orgId}", ORG_A)).andExpect(status().isOk());
        bearer("read-a", get("/api/v1/test/orgs/{orgId}", ORG_B))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.errorCode").value("USER_UNAUTHORIZED"));
        bearer("read-a", get("/api/v1/test/visible").param("orgIds", ORG_A, ORG_B))
                .andExpect(jsonPath("$.visible", contains(ORG_A)))
                .andExpect(jsonPath("$.all").value(false));
    }

    @Test
    void wildcardClaimSeesEveryOrg() throws Exception {
        for (String token : List.of("read-all", "read-all-in-array")) {
            bearer(token, get("/api/v1/test/orgs/{orgId}", ORG_B)).andExpect(status().isOk());
            bearer(token, get("/api/v1/test/visible").param("orgIds", ORG_A, ORG_B))
                    .andExpect(jsonPath("$.visible", containsInAnyOrder(ORG_A, ORG_B)))
                    .andExpect(jsonPath("$.all").value(true));
        }
    }

    @Test
    void tokenWithoutOrgsClaimSeesNoOrg() throws Exception {
        bearer("read-no-orgs", get("/api/v1/test/orgs/{orgId}", ORG_A)).andExpect(status().isForbidden());
        bearer("read-no-orgs", get("/api/v1/test/visible").param("orgIds", ORG_A, ORG_B))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.visible", hasSize(0)))
                .andExpect(jsonPath("$.all").value(false));
    }

    @Test
    void tokenWithoutTheReadScopeMayNotRead() throws Exception {
        for (String token : List.of("no-scope", "other-scopes", "sync-only-a")) {
            bearer(token, get("/api/v1/test/orgs/{orgId}", ORG_A))
                    .andExpect(status().isForbidden())
                    .andExpect(jsonPath("$.errorCode").value("USER_UNAUTHORIZED"));
        }
    }

    @Test
    void syncScopeStartsSyncsOfItsOrgs() throws Exception {
        bearer("sync-a", post("/api/v1/test/orgs/{orgId}/syncs", ORG_A)).andExpect(status().isAccepted());
        bearer("sync-only-a", post("/api/v1/test/orgs/{orgId}/syncs", ORG_A)).andExpect(status().isAccepted());
        bearer("sync-a", post("/api/v1/test/orgs/{orgId}/syncs", ORG_B)).andExpect(status().isForbidden());
        bearer("read-all", post("/api/v1/test/orgs/{orgId}/syncs", ORG_A))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.detail").value(ApiError.FORBIDDEN_DETAIL));
    }

    @Test
    void refusesAnInvalidTokenWithoutEchoingIt() throws Exception {
        String body = bearer("forged-token-value", get("/api/v1/test/orgs/{orgId}", ORG_A))
                .andExpect(status().isUnauthorized())
                .andExpect(header().stringValues(
                                "WWW-Authenticate",
                                "ApiKey realm=\"billing-sync\", header=\"X-API-Key\"",
                                "Bearer realm=\"billing-sync\", error=\"invalid_token\""))
                .andExpect(jsonPath("$.errorCode").value("UNAUTHORIZED"))
                .andExpect(jsonPath("$.detail").value(ApiSecurityErrors.INVALID_TOKEN_DETAIL))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(body).doesNotContain("forged-token-value", "decode");
        mvc.perform(get("/api/v1/test/orgs/{orgId}", ORG_A).header("Authorization", "Bearer "))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.errorCode").value("UNAUTHORIZED"));
        mvc.perform(get("/api/v1/test/orgs/{orgId}", ORG_A).header("Authorization", "Bearer a b c ☃"))
                .andExpect(status().isUnauthorized());
    }

    @Test
    void advertisesBothWaysToAuthenticate() throws Exception {
        mvc.perform(get("/api/v1/test/orgs/{orgId}", ORG_A))
                .andExpect(status().isUnauthorized())
                .andExpect(header().stringValues(
                                "WWW-Authenticate",
                                "ApiKey realm=\"billing-sync\", header=\"X-API-Key\"",
                                "Bearer realm=\"billing-sync\""));
    }

    /** Health details name every org: only a token that may read every org gets the authority that shows them. */
    @Test
    void onlyAReaderOfEveryOrgMaySeeHealthDetails() {
        JwtDecoder decoder = new TokenDecoder().jwtDecoder();
        for (String token : List.of("read-all", "read-all-in-array")) {
            assertThat(SecurityConfiguration.jwtAuthenticationConverter()
                            .convert(decoder.decode(token))
                            .getAuthorities())
                    .extracting(GrantedAuthority::getAuthority)
                    .as(token)
                    .contains("SCOPE_billing:read", ApiRole.READ_ALL_ORGS);
        }
        for (String token : List.of("read-a", "read-no-orgs", "other-scopes", "sync-a")) {
            assertThat(SecurityConfiguration.jwtAuthenticationConverter()
                            .convert(decoder.decode(token))
                            .getAuthorities())
                    .extracting(GrantedAuthority::getAuthority)
                    .as(token)
                    .doesNotContain(ApiRole.READ_ALL_ORGS);
        }
    }

    @Test
    void apiKeysKeepWorkingNextToJwts() throws Exception {
        mvc.perform(get("/api/v1/test/orgs/{orgId}", ORG_A)
                        .header(ApiKeyAuthenticationFilter.HEADER, ApiSliceTest.Keys.READER))
                .andExpect(status().isOk());
    }
}
