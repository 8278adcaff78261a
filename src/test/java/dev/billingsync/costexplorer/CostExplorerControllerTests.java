package dev.billingsync.costexplorer;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.billingsync.orgs.Orgs;
import dev.billingsync.web.Page;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** The Cost Explorer usage endpoints as a client sees them: statuses and Atlas error bodies, queries mocked. */
@WebMvcTest(controllers = CostExplorerController.class)
@TestPropertySource(
        properties = {
            "billing.security.api-keys[0].name=reader",
            "billing.security.api-keys[0].key=" + CostExplorerControllerTests.READER,
            "billing.security.api-keys[0].roles=READ",
            "billing.security.api-keys[0].orgs=*",
        })
class CostExplorerControllerTests {

    static final String ORG = "5f0c1a2b3c4d5e6f7a8b9c01";
    static final String READER = "reader-key-0123456789";
    static final String USAGE = "/api/v1/orgs/" + ORG + "/billing/costExplorer/usage";

    @Autowired
    MockMvc mvc;

    @MockitoBean
    CostUsageQueries queries;

    @MockitoBean
    Orgs orgs;

    ResultActions read(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.header("X-API-Key", READER));
    }

    @Test
    void servesUsageRowsInAPage() throws Exception {
        UsageResponse row = new UsageResponse(
                ORG, LocalDate.parse("2024-03-01"), "services", null, null, null, "Atlas", new BigDecimal("12.50"));
        when(queries.usage(eq(ORG), eq(new UsageFilter(null, null, "services")), any()))
                .thenReturn(new Page<>(List.of(row), 1));
        read(get(USAGE).param("groupBy", "services"))
                .andExpect(status().isOk())
                .andExpect(content().contentType(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.totalCount").value(1))
                .andExpect(jsonPath("$.links[0].rel").value("self"))
                .andExpect(jsonPath("$.results[0].usageDate").value("2024-03-01"))
                .andExpect(jsonPath("$.results[0].service").value("Atlas"))
                .andExpect(jsonPath("$.results[0].usageAmount").value(12.50))
                .andExpect(jsonPath("$.results[0].invoiceId").doesNotExist());
    }

    @Test
    void envelopeAddsTheStatusToThePage() throws Exception {
        when(queries.queries(eq(ORG), any())).thenReturn(Page.empty());
        read(get("/api/v1/orgs/" + ORG + "/billing/costExplorer/queries").param("envelope", "true"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value(200))
                .andExpect(jsonPath("$.totalCount").value(0))
                .andExpect(jsonPath("$.results").isEmpty());
    }

    @Test
    void anOrgNotSyncedHereIs404() throws Exception {
        doThrow(Orgs.notFound(ORG)).when(orgs).requireVisible(ORG);
        read(get(USAGE)).andExpect(status().isNotFound()).andExpect(content().json("""
                    {
                      "error": 404,
                      "errorCode": "ORG_NOT_FOUND",
                      "reason": "Not Found",
                      "detail": "No organization with ID %s is synced here.",
                      "parameters": ["%s"]
                    }\
                    """.formatted(ORG, ORG), true));
        verifyNoInteractions(queries);
    }

    @Test
    void aStartDateThatIsNotTheFirstOfAMonthIs400() throws Exception {
        read(get(USAGE).param("startDate", "2024-03-15"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value(400))
                .andExpect(jsonPath("$.errorCode").value("INVALID_PARAMETER"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value("startDate"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].description")
                        .value("must be the first day of a month (yyyy-MM-01)"));
    }

    @Test
    void anEndDateNotAfterTheStartDateIs400() throws Exception {
        read(get(USAGE).param("startDate", "2024-03-01").param("endDate", "2024-03-01"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value("endDate"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].description")
                        .value("must be after startDate (2024-03-01)"));
    }

    @Test
    void anUnknownGroupByIs400() throws Exception {
        read(get(USAGE).param("groupBy", "regions"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value("groupBy"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].description")
                        .value("must be one of organizations, projects, clusters, services"));
        verifyNoInteractions(queries);
    }

    @Test
    void aMalformedDateOrOrgIdIs400() throws Exception {
        read(get(USAGE).param("startDate", "March"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errorCode").value("INVALID_PARAMETER"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value("startDate"));
        read(get("/api/v1/orgs/not-an-org/billing/costExplorer/usage"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errorCode").value("INVALID_PARAMETER"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value("orgId"));
        verifyNoInteractions(queries);
    }

    @Test
    void ignoresANestedParameterUnderAFilterField() throws Exception {
        when(queries.usage(eq(ORG), eq(new UsageFilter(null, null, null)), any()))
                .thenReturn(Page.empty());
        read(get(USAGE).param("startDate.x", "1").param("groupBy.y[0]", "2"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.totalCount").value(0));
    }

    @Test
    void aMalformedDateInTheFilterSaysWhatADateLooksLike() throws Exception {
        read(get(USAGE).param("startDate", "March"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("Invalid value for parameter startDate."))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].description")
                        .value("must be a date in ISO-8601 format, e.g. 2024-01-31"));
    }
}
