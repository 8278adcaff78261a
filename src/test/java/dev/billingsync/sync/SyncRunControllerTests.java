package dev.billingsync.sync;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.billingsync.atlas.AtlasCredentials;
import dev.billingsync.orgs.Orgs;
import dev.billingsync.web.Page;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** The sync-run endpoints as a client sees them: statuses and Atlas error bodies, with the run store mocked. */
@WebMvcTest(controllers = SyncRunController.class)
@TestPropertySource(
        properties = {
            "billing.security.api-keys[0].name=syncer",
            "billing.security.api-keys[0].key=" + SyncRunControllerTests.SYNCER,
            "billing.security.api-keys[0].roles=READ,SYNC",
            "billing.security.api-keys[0].orgs=" + SyncRunControllerTests.ORG,
        })
class SyncRunControllerTests {

    static final String ORG = "5f0c1a2b3c4d5e6f7a8b9c01";
    static final String OTHER_ORG = "5f0c1a2b3c4d5e6f7a8b9c02";
    static final String SYNCER = "syncer-key-0123456789";
    static final String HEADER = "X-API-Key";

    @Autowired
    MockMvc mvc;

    @MockitoBean
    SyncRunQueries queries;

    @MockitoBean
    Orgs orgs;

    @MockitoBean
    SyncedOrgs synced;

    @MockitoBean
    OrgSync orgSync;

    @MockitoBean
    ManualSyncExecutor executor;

    ResultActions as(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.header(HEADER, SYNCER));
    }

    @Test
    void listsTheRunsOfTheVisibleOrgsInAPage() throws Exception {
        SyncRun run = SyncRun.start(ORG, SyncRun.Trigger.MANUAL, null, Instant.parse("2024-03-01T12:00:00Z"), "r1");
        ReflectionTestUtils.setField(run, "id", 7L);
        when(orgs.visible()).thenReturn(Set.of(ORG));
        when(queries.runs(eq(Set.of(ORG)), eq(null), any())).thenReturn(new Page<>(List.of(run), 1));
        as(get("/api/v1/syncRuns"))
                .andExpect(status().isOk())
                .andExpect(content().contentType(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.totalCount").value(1))
                .andExpect(jsonPath("$.links[0].rel").value("self"))
                .andExpect(jsonPath("$.results[0].id").value(7))
                .andExpect(jsonPath("$.results[0].orgId").value(ORG))
                .andExpect(jsonPath("$.results[0].status").value("RUNNING"))
                .andExpect(jsonPath("$.results[0].startedAt").value("2024-03-01T12:00:00Z"));
    }

    @Test
    void envelopeAddsTheStatusToThePage() throws Exception {
        when(orgs.visible()).thenReturn(Set.of());
        when(queries.runs(any(), any(), any())).thenReturn(Page.empty());
        as(get("/api/v1/syncRuns").param("envelope", "true"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value(200))
                .andExpect(jsonPath("$.totalCount").value(0))
                .andExpect(jsonPath("$.results").isEmpty());
    }

    @Test
    void anUnknownStatusIs400NamingTheParameter() throws Exception {
        as(get("/api/v1/syncRuns").param("status", "DONE"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value(400))
                .andExpect(jsonPath("$.errorCode").value("INVALID_PARAMETER"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value("status"));
    }

    @Test
    void aMalformedOrgIdIs400() throws Exception {
        as(get("/api/v1/syncRuns").param("orgId", "not-an-org"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errorCode").value("INVALID_PARAMETER"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value("orgId"));
        verifyNoInteractions(queries);
    }

    @Test
    void anUnknownRunIs404() throws Exception {
        when(queries.run(99L)).thenReturn(Optional.empty());
        as(get("/api/v1/syncRuns/99"))
                .andExpect(status().isNotFound())
                .andExpect(content().json("""
                    {
                      "error": 404,
                      "errorCode": "SYNC_RUN_NOT_FOUND",
                      "reason": "Not Found",
                      "detail": "No sync run with ID 99.",
                      "parameters": [99]
                    }\
                    """, true));
    }

    @Test
    void startingASyncOfAnOrgNotSyncedHereIs404() throws Exception {
        when(synced.find(ORG)).thenReturn(Optional.empty());
        as(post("/api/v1/orgs/{orgId}/syncRuns", ORG))
                .andExpect(status().isNotFound())
                .andExpect(content().json("""
                    {
                      "error": 404,
                      "errorCode": "ORG_NOT_FOUND",
                      "reason": "Not Found",
                      "detail": "No organization with ID %s is synced here.",
                      "parameters": ["%s"]
                    }\
                    """.formatted(ORG, ORG), true));
    }

    @Test
    void startingASyncOfAnOrgTheCallerMayNotSeeIs403BeforeAnyLookup() throws Exception {
        as(post("/api/v1/orgs/{orgId}/syncRuns", OTHER_ORG))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.errorCode").value("USER_UNAUTHORIZED"));
        verifyNoInteractions(synced, orgSync);
    }

    @Test
    void startingASyncWhileOneRunsIs409() throws Exception {
        when(synced.find(ORG))
                .thenReturn(Optional.of(new ConfiguredOrg(ORG, "Acme", new AtlasCredentials.ApiKey("pub", "priv"))));
        when(orgSync.start(any(), eq(SyncRun.Trigger.MANUAL), any())).thenReturn(Optional.empty());
        as(post("/api/v1/orgs/{orgId}/syncRuns", ORG))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.errorCode").value("SYNC_ALREADY_RUNNING"))
                .andExpect(jsonPath("$.parameters[0]").value(ORG));
    }

    @Test
    void ignoresANestedParameterUnderAFilterField() throws Exception {
        when(orgs.visible()).thenReturn(Set.of(ORG));
        when(queries.runs(eq(Set.of(ORG)), eq(null), any())).thenReturn(Page.empty());
        as(get("/api/v1/syncRuns").param("status.x", "1").param("orgId.y", "2"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.totalCount").value(0));
    }
}
