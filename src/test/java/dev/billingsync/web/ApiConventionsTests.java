package dev.billingsync.web;

import static dev.billingsync.web.ApiSliceTest.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** Envelope, pretty printing, paging and JSON rules, as a client sees them. */
@ApiSliceTest
class ApiConventionsTests {

    static final String ITEMS = "/api/v1/test/orgs/" + ORG_A + "/items";

    @Autowired
    MockMvc mvc;

    ResultActions read(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.header(ApiKeyAuthenticationFilter.HEADER, ApiSliceTest.Keys.READER));
    }

    @Test
    void writesASingleResourceAsIsByDefault() throws Exception {
        read(get("/api/v1/test/orgs/{orgId}", ORG_A))
                .andExpect(status().isOk())
                .andExpect(content().contentType(MediaType.APPLICATION_JSON))
                .andExpect(content().json("""
                    {"id": "%s", "amount": 0.50, "createdAt": "2024-03-01T12:00:00Z"}\
                    """.formatted(ORG_A), true));
    }

    @Test
    void omitsNullFieldsKeepsDecimalsAsStoredAndWritesInstantsInUtc() throws Exception {
        String body = read(get("/api/v1/test/orgs/{orgId}", ORG_A))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(body)
                .contains("\"amount\":0.50", "\"createdAt\":\"2024-03-01T12:00:00Z\"")
                .doesNotContain("name", "missing", "null");

        String decimals = read(get("/api/v1/test/orgs/{orgId}/decimals", ORG_A))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(decimals)
                .contains("\"tiny\":0.00000010", "\"big\":1000", "\"half\":0.50")
                .doesNotContain("E");
    }

    @Test
    void envelopeWrapsASingleResourceWithItsStatus() throws Exception {
        read(get("/api/v1/test/orgs/{orgId}", ORG_A).param("envelope", "true"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value(200))
                .andExpect(jsonPath("$.content.id").value(ORG_A))
                .andExpect(jsonPath("$.id").doesNotExist());
    }

    @Test
    void envelopeCarriesTheRealStatusWhichStaysTheHttpStatus() throws Exception {
        read(get("/api/v1/test/created").param("envelope", "true"))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.status").value(201))
                .andExpect(jsonPath("$.content[0]").value("a"));
        mvc.perform(post("/api/v1/test/orgs/{orgId}/syncs", ORG_A)
                        .param("envelope", "true")
                        .header(ApiKeyAuthenticationFilter.HEADER, ApiSliceTest.Keys.SYNCER))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", "/api/v1/test/syncs/1"))
                .andExpect(jsonPath("$.status").value(202))
                .andExpect(jsonPath("$.content.status").value("RUNNING"));
    }

    @Test
    void envelopeAddsStatusToTheListObjectItself() throws Exception {
        read(get(ITEMS).param("envelope", "true"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value(200))
                .andExpect(jsonPath("$.results", hasSize(100)))
                .andExpect(jsonPath("$.totalCount").value(250))
                .andExpect(jsonPath("$.links[0].rel").value("self"))
                .andExpect(jsonPath("$.content").doesNotExist());
    }

    @Test
    void envelopeWrapsErrorsKeepingTheirStatus() throws Exception {
        read(get("/api/v1/test/missing").param("envelope", "true"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.status").value(404))
                .andExpect(jsonPath("$.content.error").value(404))
                .andExpect(jsonPath("$.content.errorCode").value("INVOICE_NOT_FOUND"));
        mvc.perform(get("/api/v1/test/orgs/{orgId}", ORG_A).param("envelope", "true"))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.status").value(401))
                .andExpect(jsonPath("$.content.errorCode").value("UNAUTHORIZED"));
        read(get("/api/v1/test/orgs/not-an-id").param("envelope", "true"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(
                        jsonPath("$.content.badRequestDetail.fields[0].field").value("orgId"));
    }

    @Test
    void prettyIndentsBodiesAndErrors() throws Exception {
        String body = read(get("/api/v1/test/orgs/{orgId}", ORG_A).param("pretty", "true"))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(body).startsWith("{\n").contains("\n  \"id\" : \"" + ORG_A + "\"");

        String error = read(get("/api/v1/test/missing").param("pretty", "true").param("envelope", "true"))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(error).contains("\n  \"status\" : 404", "\n    \"errorCode\" : \"INVOICE_NOT_FOUND\"");

        String unauthorized = mvc.perform(get("/api/v1/test/missing").param("pretty", "true"))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(unauthorized).contains("\n  \"errorCode\" : \"UNAUTHORIZED\"");

        String compact = read(get("/api/v1/test/orgs/{orgId}", ORG_A))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(compact).doesNotContain("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"envelope", "pretty"})
    void rejectsAnOptionThatIsNotABoolean(String option) throws Exception {
        read(get("/api/v1/test/orgs/{orgId}", ORG_A).param(option, "yes"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errorCode").value("INVALID_PARAMETER"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value(option))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].description").value("must be true or false"));
        read(get("/api/v1/test/orgs/{orgId}", ORG_A).param(option, "true", "false"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value(option));
        read(get("/api/v1/test/orgs/{orgId}", ORG_A).param(option, "TRUE")).andExpect(status().isOk());
        read(get("/api/v1/test/orgs/{orgId}", ORG_A).param(option, "")).andExpect(status().isOk());
        read(get("/api/v1/test/orgs/{orgId}", ORG_A).param(option, "false"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value(ORG_A));
    }

    @Test
    void leavesNonJsonBodiesAlone() throws Exception {
        read(get("/api/v1/test/text").param("envelope", "true").param("pretty", "true"))
                .andExpect(status().isOk())
                .andExpect(content().string("plain"));

        MvcResult csv = read(get("/api/v1/test/orgs/{orgId}/export", ORG_A)
                        .param("envelope", "true")
                        .accept("text/csv"))
                .andExpect(request().asyncStarted())
                .andReturn();
        mvc.perform(asyncDispatch(csv))
                .andExpect(status().isOk())
                .andExpect(content().contentType("text/csv"))
                .andExpect(content().string("number,orgId\n1," + ORG_A + "\n"));
    }

    @Test
    void firstPageHasSelfAndNextLinksAndTheTotal() throws Exception {
        read(get(ITEMS))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.results", hasSize(100)))
                .andExpect(jsonPath("$.results[0].number").value(1))
                .andExpect(jsonPath("$.totalCount").value(250))
                .andExpect(jsonPath("$.links[*].rel", contains("self", "next")))
                .andExpect(jsonPath("$.links[0].href").value("http://localhost" + ITEMS + "?pageNum=1"))
                .andExpect(jsonPath("$.links[1].href").value("http://localhost" + ITEMS + "?pageNum=2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", ""})
    void zeroOrEmptyMeansTheDefault(String value) throws Exception {
        read(get(ITEMS).param("itemsPerPage", value).param("pageNum", value))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.results", hasSize(100)))
                .andExpect(jsonPath("$.results[0].number").value(1));
    }

    @Test
    void middlePageLinksBothWaysKeepingEveryOtherParameter() throws Exception {
        read(get(ITEMS + "?status=PAID&itemsPerPage=50&pageNum=2&fromDate=2024-01-31"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.results", hasSize(50)))
                .andExpect(jsonPath("$.results[0].number").value(51))
                .andExpect(jsonPath("$.links[*].rel", contains("self", "next", "previous")))
                .andExpect(jsonPath("$.links[0].href")
                        .value("http://localhost" + ITEMS
                                + "?status=PAID&itemsPerPage=50&pageNum=2&fromDate=2024-01-31"))
                .andExpect(jsonPath("$.links[1].href")
                        .value("http://localhost" + ITEMS
                                + "?status=PAID&itemsPerPage=50&pageNum=3&fromDate=2024-01-31"))
                .andExpect(jsonPath("$.links[2].href")
                        .value("http://localhost" + ITEMS
                                + "?status=PAID&itemsPerPage=50&pageNum=1&fromDate=2024-01-31"));
    }

    @Test
    void lastPageHasNoNextLink() throws Exception {
        read(get(ITEMS).param("pageNum", "3"))
                .andExpect(jsonPath("$.results", hasSize(50)))
                .andExpect(jsonPath("$.links[*].rel", contains("self", "previous")));
        read(get(ITEMS).param("pageNum", "10"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.results", hasSize(0)))
                .andExpect(jsonPath("$.totalCount").value(250))
                .andExpect(jsonPath("$.links[*].rel", contains("self", "previous")));
        read(get(ITEMS).param("itemsPerPage", "500"))
                .andExpect(jsonPath("$.results", hasSize(250)))
                .andExpect(jsonPath("$.links[*].rel", contains("self")));
    }

    @Test
    void omitsTotalCountWhenNotRequestedButStillLinksTheNextPage() throws Exception {
        String body = read(get(ITEMS).param("includeCount", "false"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.totalCount").doesNotExist())
                .andExpect(jsonPath("$.links[*].rel", contains("self", "next")))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(body).doesNotContain("totalCount");
        read(get(ITEMS).param("includeCount", "false").param("envelope", "true"))
                .andExpect(jsonPath("$.totalCount").doesNotExist())
                .andExpect(jsonPath("$.status").value(200));
    }

    @ParameterizedTest
    @ValueSource(strings = {"501", "-1", "99999999999999999999", "1000000"})
    void rejectsItemsPerPageOutOfRange(String value) throws Exception {
        read(get(ITEMS).param("itemsPerPage", value))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value(400))
                .andExpect(jsonPath("$.errorCode").value("INVALID_PARAMETER"))
                .andExpect(jsonPath("$.reason").value("Bad Request"))
                .andExpect(jsonPath("$.parameters[0]").value("itemsPerPage"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value("itemsPerPage"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].description")
                        .value("must be an integer between 1 and 500"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1.5", "1e3", "0x10", "１", "%00", "' OR 1=1 --"})
    void rejectsPagingValuesThatAreNotIntegers(String value) throws Exception {
        read(get(ITEMS).param("pageNum", value))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value("pageNum"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].description").value("must be an integer"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "99999999999999999999", "2147483648"})
    void rejectsPageNumOutOfRange(String value) throws Exception {
        read(get(ITEMS).param("pageNum", value))
                .andExpect(status().isBadRequest())
                .andExpect(
                        jsonPath("$.badRequestDetail.fields[0].description").value("must be an integer of at least 1"));
    }

    @Test
    void reportsEveryInvalidPagingParameterAtOnce() throws Exception {
        read(get(ITEMS).param("itemsPerPage", "501").param("pageNum", "x").param("includeCount", "maybe"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath(
                        "$.badRequestDetail.fields[*].field", contains("itemsPerPage", "pageNum", "includeCount")))
                .andExpect(jsonPath("$.parameters", contains("itemsPerPage", "pageNum", "includeCount")));
    }

    @Test
    void readsIsoDatesAndInstantsInQueryParameters() throws Exception {
        read(get(ITEMS).param("fromDate", "2024-01-31").param("since", "2024-01-31T10:15:30Z"))
                .andExpect(status().isOk());
        read(get("/api/v1/test/plainDate").param("date", "2024-02-29"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.date").value("2024-02-29"));
    }
}
