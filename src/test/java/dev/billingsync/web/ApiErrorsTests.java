package dev.billingsync.web;

import static dev.billingsync.web.ApiSliceTest.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.RequestDispatcher;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** Every way a request can fail ends in an Atlas error body with a stable code, never a 500 for bad input. */
@ApiSliceTest
@ExtendWith(OutputCaptureExtension.class)
class ApiErrorsTests {

    static final String ITEMS = "/api/v1/test/orgs/" + ORG_A + "/items";

    @Autowired
    MockMvc mvc;

    ResultActions as(String key, MockHttpServletRequestBuilder request) throws Exception {
        ResultActions result = mvc.perform(request.header(ApiKeyAuthenticationFilter.HEADER, key));
        assertNoInternals(result.andReturn().getResponse().getContentAsString());
        return result;
    }

    ResultActions read(MockHttpServletRequestBuilder request) throws Exception {
        return as(ApiSliceTest.Keys.READER, request);
    }

    static void assertNoInternals(String body) {
        assertThat(body).doesNotContain("Exception", "java.", "springframework", "at dev.", "secret_table", "hunter2");
    }

    @Test
    void mapsAnApiExceptionToTheAtlasErrorShape() throws Exception {
        read(get("/api/v1/test/missing"))
                .andExpect(status().isNotFound())
                .andExpect(content().contentType(MediaType.APPLICATION_JSON))
                .andExpect(content().json("""
                    {
                      "error": 404,
                      "errorCode": "INVOICE_NOT_FOUND",
                      "reason": "Not Found",
                      "detail": "No invoice 65f0c1a2b3c4d5e6f7a8b9c0 in this org.",
                      "parameters": ["65f0c1a2b3c4d5e6f7a8b9c0"]
                    }\
                    """, true));
        read(get("/api/v1/test/conflict"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.errorCode").value("SYNC_ALREADY_RUNNING"))
                .andExpect(jsonPath("$.reason").value("Conflict"))
                .andExpect(jsonPath("$.parameters[0]").value(42));
    }

    @Test
    void tellsWhenToTryAgainAfterATemporaryRefusal() throws Exception {
        read(get("/api/v1/test/busy"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "2"))
                .andExpect(jsonPath("$.errorCode").value("SYNC_CAPACITY_EXHAUSTED"))
                .andExpect(jsonPath("$.reason").value("Service Unavailable"));
    }

    @Test
    void namesTheParameterAControllerRejects() throws Exception {
        read(get("/api/v1/test/dates").param("fromDate", "2024-02-01").param("toDate", "2024-01-01"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errorCode").value("INVALID_PARAMETER"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value("toDate"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].description").value("must not be before fromDate"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "not-an-id",
                "5F0C1A2B3C4D5E6F7A8B9C01",
                "5f0c1a2b3c4d5e6f7a8b9c0",
                "5f0c1a2b3c4d5e6f7a8b9c011",
                "' OR '1'='1",
                "ünïcødé",
                "💩"
            })
    void rejectsAMalformedPathId(String orgId) throws Exception {
        read(get("/api/v1/test/orgs/{orgId}", orgId))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errorCode").value("INVALID_PARAMETER"))
                .andExpect(jsonPath("$.parameters[0]").value("orgId"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value("orgId"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].description")
                        .value("must be a 24-character hexadecimal id"));
    }

    @Test
    void rejectsAHugeValueWithoutEchoingIt() throws Exception {
        String huge = "a".repeat(10_000);
        String body = read(get("/api/v1/test/orgs/{orgId}", huge))
                .andExpect(status().isBadRequest())
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(body).doesNotContain(huge).hasSizeLessThan(1000);
        read(get("/api/v1/test/number").param("value", huge)).andExpect(status().isBadRequest());
    }

    @Test
    void namesTheInvalidElementOfARepeatedParameter() throws Exception {
        read(get(ITEMS).param("groupIds", "5f0c1a2b3c4d5e6f7a8b9c02", "nope"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value("groupIds[1]"));
    }

    @Test
    void reportsAConstraintOnAQueryParameter() throws Exception {
        read(get("/api/v1/test/number").param("value", "1").param("limit", "-1"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errorCode").value("INVALID_PARAMETER"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value("limit"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].description")
                        .value("must be greater than or equal to 0"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = "|",
            value = {
                "/api/v1/test/number?value=abc | value | must be an integer within range",
                "/api/v1/test/number?value=99999999999999999999 | value | must be an integer within range",
                "/api/v1/test/number?value=-99999999999 | value | must be an integer within range",
                "/api/v1/test/number?value=1.5 | value | must be an integer within range",
                "/api/v1/test/number?value=1&limit=x | limit | must be an integer within range",
                ITEMS + "?status=UNKNOWN | status | must be one of: PENDING, PAID",
                ITEMS + "?status=paid | status | must be one of: PENDING, PAID",
                ITEMS + "?fromDate=notadate | fromDate | must be a date in ISO-8601 format, e.g. 2024-01-31",
                ITEMS + "?fromDate=2024-02-30 | fromDate | must be a date in ISO-8601 format, e.g. 2024-01-31",
                ITEMS
                        + "?since=yesterday | since | must be an ISO-8601 date-time with an offset, e.g."
                        + " 2024-01-31T00:00:00Z",
                "/api/v1/test/plainDate?date=31/01/2024 | date | must be a date in ISO-8601 format, e.g. 2024-01-31",
            })
    void rejectsAValueOfTheWrongType(String url, String field, String description) throws Exception {
        read(get(URI.create(url.replace("|", "").strip())))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errorCode").value("INVALID_PARAMETER"))
                .andExpect(jsonPath("$.detail").value("Invalid value for parameter " + field + "."))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value(field))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].description").value(description));
    }

    @Test
    void reportsAMissingParameter() throws Exception {
        read(get("/api/v1/test/number"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errorCode").value("MISSING_PARAMETER"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value("value"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].description").value("is required"));
        read(get("/api/v1/test/number").param("value", ""))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value("value"));
    }

    @Test
    void rejectsABodyThatIsNotJson() throws Exception {
        as(
                        ApiSliceTest.Keys.SYNCER,
                        post("/api/v1/test/orgs/{orgId}/syncs", ORG_A)
                                .contentType(MediaType.APPLICATION_JSON)
                                .content("{not json"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errorCode").value("INVALID_JSON"))
                .andExpect(jsonPath("$.detail").value("The request body is missing or is not valid JSON."));
        as(
                        ApiSliceTest.Keys.SYNCER,
                        post("/api/v1/test/orgs/{orgId}/syncs", ORG_A)
                                .contentType(MediaType.APPLICATION_JSON)
                                .content("{\"reason\": \"x\", \"priority\": \"high\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errorCode").value("INVALID_JSON"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value("priority"));
    }

    @Test
    void reportsEveryInvalidAttributeOfABody() throws Exception {
        as(
                        ApiSliceTest.Keys.SYNCER,
                        post("/api/v1/test/orgs/{orgId}/syncs", ORG_A)
                                .contentType(MediaType.APPLICATION_JSON)
                                .content("{\"reason\": \"\", \"priority\": 11}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errorCode").value("INVALID_ATTRIBUTE"))
                .andExpect(jsonPath("$.badRequestDetail.fields.length()").value(2))
                .andExpect(jsonPath("$.badRequestDetail.fields[?(@.field == 'reason')].description")
                        .value("must not be blank"))
                .andExpect(jsonPath("$.badRequestDetail.fields[?(@.field == 'priority')].description")
                        .value("must be less than or equal to 10"));
    }

    @Test
    void answersAnUnknownPathWith404() throws Exception {
        read(get("/api/v1/nothing/here"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.errorCode").value("RESOURCE_NOT_FOUND"))
                .andExpect(jsonPath("$.reason").value("Not Found"));
        read(get("/nothing.html"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.errorCode").value("RESOURCE_NOT_FOUND"));
    }

    @Test
    void answersAnUnsupportedMethodWith405() throws Exception {
        read(delete("/api/v1/test/orgs/{orgId}", ORG_A))
                .andExpect(status().isMethodNotAllowed())
                .andExpect(header().string("Allow", containsString("GET")))
                .andExpect(jsonPath("$.errorCode").value("METHOD_NOT_ALLOWED"))
                .andExpect(jsonPath("$.reason").value("Method Not Allowed"));
        read(put("/api/v1/test/orgs/{orgId}", ORG_A)).andExpect(status().isMethodNotAllowed());
    }

    @Test
    void answersAnUnproducibleAcceptWith406InJson() throws Exception {
        read(get("/api/v1/test/orgs/{orgId}", ORG_A).accept(MediaType.APPLICATION_XML))
                .andExpect(status().isNotAcceptable())
                .andExpect(content().contentType(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.errorCode").value("NOT_ACCEPTABLE"));
        read(get("/api/v1/test/orgs/{orgId}/export", ORG_A).accept(MediaType.APPLICATION_XML))
                .andExpect(status().isNotAcceptable())
                .andExpect(jsonPath("$.errorCode").value("NOT_ACCEPTABLE"));
        read(get("/api/v1/test/orgs/{orgId}", ORG_A).accept("this is not a media type"))
                .andExpect(status().isNotAcceptable())
                .andExpect(jsonPath("$.errorCode").value("NOT_ACCEPTABLE"));
    }

    @Test
    void answersAnUnsupportedBodyTypeWith415() throws Exception {
        as(
                        ApiSliceTest.Keys.SYNCER,
                        post("/api/v1/test/orgs/{orgId}/syncs", ORG_A)
                                .contentType(MediaType.APPLICATION_XML)
                                .content("<sync/>"))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(jsonPath("$.errorCode").value("UNSUPPORTED_MEDIA_TYPE"));
        as(
                        ApiSliceTest.Keys.SYNCER,
                        post("/api/v1/test/orgs/{orgId}/syncs", ORG_A)
                                .header("Content-Type", "garbage")
                                .content("x"))
                .andExpect(status().isUnsupportedMediaType());
    }

    @Test
    void answersABugWithAGeneric500AndLogsItOnce(CapturedOutput output) throws Exception {
        String body = read(get("/api/v1/test/boom"))
                .andExpect(status().isInternalServerError())
                .andExpect(jsonPath("$.errorCode").value("UNEXPECTED_ERROR"))
                .andExpect(jsonPath("$.reason").value("Internal Server Error"))
                .andExpect(jsonPath("$.detail").value(ApiError.UNEXPECTED_ERROR_DETAIL))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertNoInternals(body);
        assertThat(output.getOut().split("Unexpected error on GET /api/v1/test/boom", -1))
                .hasSize(2);
        assertThat(output.getOut()).contains("java.lang.IllegalStateException");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/v1/test/orgs/a;b",
                "/api/v1/test/orgs/a%2Fb",
                "/api/v1/test/orgs/a%00b",
                "/api/v1/test/orgs/%2e%2e/x",
                "/api/v1/test//orgs",
                "/api/v1/test/orgs/a%5Cb",
                "/api/v1/test/orgs/a%25b"
            })
    void answersAUrlTheFirewallRejectsWith400(String url) throws Exception {
        mvc.perform(get(URI.create(url)).header(ApiKeyAuthenticationFilter.HEADER, ApiSliceTest.Keys.READER))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.errorCode").value("INVALID_REQUEST"))
                .andExpect(jsonPath("$.detail").value(ApiError.REJECTED_DETAIL));
        mvc.perform(get(URI.create(url + "?envelope=true")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(jsonPath("$.content.errorCode").value("INVALID_REQUEST"));
    }

    @Test
    void answersAHeaderTheFirewallRejectsWith400() throws Exception {
        mvc.perform(get("/api/v1/test/orgs/{orgId}", ORG_A).header(ApiKeyAuthenticationFilter.HEADER, "key\u0007bell"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errorCode").value("INVALID_REQUEST"));
        mvc.perform(request("FOO", URI.create("/api/v1/test/orgs/" + ORG_A)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errorCode").value("INVALID_REQUEST"));
    }

    @Test
    void errorPageRendersContainerErrorsInTheAtlasShape() throws Exception {
        read(get("/error").requestAttr(RequestDispatcher.ERROR_STATUS_CODE, 404))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.errorCode").value("RESOURCE_NOT_FOUND"));
        read(get("/error")
                        .requestAttr(RequestDispatcher.ERROR_STATUS_CODE, 500)
                        .requestAttr(RequestDispatcher.ERROR_EXCEPTION, new IllegalStateException("secret_table")))
                .andExpect(status().isInternalServerError())
                .andExpect(jsonPath("$.errorCode").value("UNEXPECTED_ERROR"));
        read(get("/error")
                        .requestAttr(RequestDispatcher.ERROR_STATUS_CODE, 500)
                        .requestAttr(RequestDispatcher.ERROR_EXCEPTION, new RequestRejectedException("bad URL")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errorCode").value("INVALID_REQUEST"));
        read(get("/error").requestAttr(RequestDispatcher.ERROR_STATUS_CODE, 405).param("envelope", "true"))
                .andExpect(status().isMethodNotAllowed())
                .andExpect(jsonPath("$.status").value(405))
                .andExpect(jsonPath("$.content.errorCode").value("METHOD_NOT_ALLOWED"));
        read(get("/error").accept(MediaType.APPLICATION_XML))
                .andExpect(status().isNotFound())
                .andExpect(content().contentType(MediaType.APPLICATION_JSON));
    }
}
