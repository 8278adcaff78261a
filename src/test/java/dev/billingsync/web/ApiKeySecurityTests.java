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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** Static API keys: who gets in (401), what each role may do (403), and which orgs each key sees. */
@ApiSliceTest
@ExtendWith(OutputCaptureExtension.class)
class ApiKeySecurityTests {

    @Autowired
    MockMvc mvc;

    ResultActions as(String key, MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.header(ApiKeyAuthenticationFilter.HEADER, key));
    }

    @Test
    void refusesARequestWithoutCredentials() throws Exception {
        mvc.perform(get("/api/v1/test/orgs/{orgId}", ORG_A))
                .andExpect(status().isUnauthorized())
                .andExpect(header().stringValues(
                                "WWW-Authenticate", "ApiKey realm=\"billing-sync\", header=\"X-API-Key\""))
                .andExpect(jsonPath("$.error").value(401))
                .andExpect(jsonPath("$.errorCode").value("UNAUTHORIZED"))
                .andExpect(jsonPath("$.reason").value("Unauthorized"))
                .andExpect(jsonPath("$.detail").value(ApiError.MISSING_CREDENTIALS_DETAIL))
                .andExpect(jsonPath("$.parameters", hasSize(0)));
        mvc.perform(post("/api/v1/test/orgs/{orgId}/syncs", ORG_A)).andExpect(status().isUnauthorized());
        mvc.perform(get("/api/v1/does/not/exist")).andExpect(status().isUnauthorized());
        mvc.perform(get("/api/v1/test/orgs/{orgId}", ORG_A).header("Authorization", "Basic cmVhZGVyOnNlY3JldA=="))
                .andExpect(status().isUnauthorized());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "wrong-key-0123456789",
                "reader-key-012345678",
                "reader-key-0123456789x",
                "READER-KEY-0123456789",
                "164587a4f09c7cef2ba6ec73ee2df33bcbb08863d22edf2d7fc3e3faddc5a04f"
            })
    void refusesAKeyThatMatchesNoClientWithoutEchoingIt(String key, CapturedOutput output) throws Exception {
        String body = as(key, get("/api/v1/test/orgs/{orgId}", ORG_A))
                .andExpect(status().isUnauthorized())
                .andExpect(header().exists("WWW-Authenticate"))
                .andExpect(jsonPath("$.errorCode").value("UNAUTHORIZED"))
                .andExpect(jsonPath("$.detail").value(ApiSecurityErrors.INVALID_API_KEY_DETAIL))
                .andReturn()
                .getResponse()
                .getContentAsString();
        if (!key.isEmpty()) {
            assertThat(body).doesNotContain(key);
            assertThat(output.getAll()).doesNotContain(key);
        }
    }

    @Test
    void refusesAVeryLongKey() throws Exception {
        as("k".repeat(5000), get("/api/v1/test/orgs/{orgId}", ORG_A)).andExpect(status().isUnauthorized());
    }

    @Test
    void neverLogsAConfiguredKey(CapturedOutput output) throws Exception {
        as(ApiSliceTest.Keys.READER, get("/api/v1/test/orgs/{orgId}", ORG_A)).andExpect(status().isOk());
        as(ApiSliceTest.Keys.SYNCER, post("/api/v1/test/orgs/{orgId}/syncs", ORG_A))
                .andExpect(status().isAccepted());
        assertThat(output.getAll()).doesNotContain(ApiSliceTest.Keys.READER, ApiSliceTest.Keys.SYNCER);
    }

    @Test
    void refusesAnApiKeyTogetherWithABearerToken() throws Exception {
        as(ApiSliceTest.Keys.READER, get("/api/v1/test/orgs/{orgId}", ORG_A).header("Authorization", "Bearer abc"))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.detail").value(ApiSecurityErrors.TWO_CREDENTIALS_DETAIL));
    }

    @Test
    void readerReadsItsOrgOnly() throws Exception {
        as(ApiSliceTest.Keys.READER, get("/api/v1/test/orgs/{orgId}", ORG_A)).andExpect(status().isOk());
        as(ApiSliceTest.Keys.READER, get("/api/v1/test/orgs/{orgId}", ORG_B))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error").value(403))
                .andExpect(jsonPath("$.errorCode").value("USER_UNAUTHORIZED"))
                .andExpect(jsonPath("$.reason").value("Forbidden"));
        as(ApiSliceTest.Keys.READER, get("/api/v1/test/orgs/{orgId}/items", ORG_B))
                .andExpect(status().isForbidden());
    }

    @Test
    void readerMayNotStartASync() throws Exception {
        as(ApiSliceTest.Keys.READER, post("/api/v1/test/orgs/{orgId}/syncs", ORG_A))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.errorCode").value("USER_UNAUTHORIZED"))
                .andExpect(jsonPath("$.detail").value(ApiError.FORBIDDEN_DETAIL));
        as(
                        ApiSliceTest.Keys.READER,
                        post("/api/v1/test/orgs/{orgId}/syncs", ORG_A).param("envelope", "true"))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.status").value(403))
                .andExpect(jsonPath("$.content.errorCode").value("USER_UNAUTHORIZED"));
    }

    @Test
    void hashedKeyAuthenticatesLikeAPlainOne() throws Exception {
        as(ApiSliceTest.Keys.SYNCER, get("/api/v1/test/orgs/{orgId}", ORG_A)).andExpect(status().isOk());
        as(ApiSliceTest.Keys.SYNCER, post("/api/v1/test/orgs/{orgId}/syncs", ORG_A))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", "/api/v1/test/syncs/1"))
                .andExpect(jsonPath("$.orgId").value(ORG_A));
    }

    @Test
    void syncerMayNotSyncAnOrgItCannotSee() throws Exception {
        as(ApiSliceTest.Keys.SYNCER, post("/api/v1/test/orgs/{orgId}/syncs", ORG_B))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.errorCode").value("USER_UNAUTHORIZED"));
    }

    @Test
    void syncRoleDoesNotImplyRead() throws Exception {
        as(ApiSliceTest.Keys.SYNC_ONLY, post("/api/v1/test/orgs/{orgId}/syncs", ORG_A))
                .andExpect(status().isAccepted());
        as(ApiSliceTest.Keys.SYNC_ONLY, get("/api/v1/test/orgs/{orgId}", ORG_A))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.errorCode").value("USER_UNAUTHORIZED"));
    }

    @Test
    void wildcardKeySeesEveryOrg() throws Exception {
        as(ApiSliceTest.Keys.AUDITOR, get("/api/v1/test/orgs/{orgId}", ORG_B)).andExpect(status().isOk());
        as(ApiSliceTest.Keys.AUDITOR, get("/api/v1/test/visible").param("orgIds", ORG_A, ORG_B))
                .andExpect(jsonPath("$.visible", containsInAnyOrder(ORG_A, ORG_B)))
                .andExpect(jsonPath("$.all").value(true));
        as(ApiSliceTest.Keys.AUDITOR, post("/api/v1/test/orgs/{orgId}/syncs", ORG_A))
                .andExpect(status().isForbidden());
    }

    @Test
    void listsOnlyTheOrgsAKeySees() throws Exception {
        as(ApiSliceTest.Keys.READER, get("/api/v1/test/visible").param("orgIds", ORG_B, ORG_A))
                .andExpect(jsonPath("$.visible", contains(ORG_A)))
                .andExpect(jsonPath("$.all").value(false));
        as(ApiSliceTest.Keys.READER, get("/api/v1/test/visible")).andExpect(jsonPath("$.visible", hasSize(0)));
    }

    @Test
    void leavesTheApiDescriptionOpen() throws Exception {
        mvc.perform(get("/v3/api-docs")).andExpect(status().isNotFound());
        mvc.perform(get("/swagger-ui/index.html")).andExpect(status().isNotFound());
        mvc.perform(get("/actuator/env")).andExpect(status().isUnauthorized());
    }
}
