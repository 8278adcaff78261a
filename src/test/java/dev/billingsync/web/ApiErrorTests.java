package dev.billingsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.web.ApiError.FieldViolation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

class ApiErrorTests {

    @ParameterizedTest
    @CsvSource({
        "400, INVALID_REQUEST, Bad Request",
        "401, UNAUTHORIZED, Unauthorized",
        "403, USER_UNAUTHORIZED, Forbidden",
        "404, RESOURCE_NOT_FOUND, Not Found",
        "405, METHOD_NOT_ALLOWED, Method Not Allowed",
        "408, REQUEST_TIMEOUT, Request Timeout",
        "409, CONFLICT, Conflict",
        "413, PAYLOAD_TOO_LARGE, Content Too Large",
        "431, REQUEST_HEADER_FIELDS_TOO_LARGE, Request Header Fields Too Large",
        "499, INVALID_REQUEST, Error",
        "500, UNEXPECTED_ERROR, Internal Server Error",
        "502, BAD_GATEWAY, Bad Gateway",
        "503, SERVICE_UNAVAILABLE, Service Unavailable",
        "599, UNEXPECTED_ERROR, Error"
    })
    void namesEachStatusWithAStableCode(int status, String errorCode, String reason) {
        ApiError error = ApiError.forStatus(status);
        assertThat(error.error()).isEqualTo(status);
        assertThat(error.errorCode()).isEqualTo(errorCode);
        assertThat(error.reason()).isEqualTo(reason);
        assertThat(error.parameters()).isEmpty();
        assertThat(error.badRequestDetail()).isNull();
    }

    @Test
    void givesServerErrorsOneGenericDetail() {
        assertThat(ApiError.forStatus(502).detail()).isEqualTo(ApiError.UNEXPECTED_ERROR_DETAIL);
        assertThat(ApiError.unexpected().detail()).isEqualTo(ApiError.UNEXPECTED_ERROR_DETAIL);
        assertThat(ApiError.forStatus(503).detail())
                .isEqualTo("The service is temporarily unavailable; please try again later.");
        assertThat(ApiError.forStatus(418).detail()).isEqualTo("The request cannot be served.");
    }

    @Test
    void sharesTheSecurityVocabularyWithTheGenericDetails() {
        assertThat(ApiError.unauthorized(ApiError.MISSING_CREDENTIALS_DETAIL)).isEqualTo(ApiError.forStatus(401));
        assertThat(ApiError.forbidden()).isEqualTo(ApiError.forStatus(403));
        assertThat(ApiError.rejected().errorCode()).isEqualTo(ApiError.INVALID_REQUEST);
        assertThat(ApiError.rejected().detail()).isEqualTo(ApiError.REJECTED_DETAIL);
    }

    @Test
    void namesEveryInvalidParameterOnce() {
        ApiError one = ApiError.invalidParameters(List.of(new FieldViolation("orgId", "must be a 24-character id")));
        assertThat(one.errorCode()).isEqualTo("INVALID_PARAMETER");
        assertThat(one.detail()).isEqualTo("Invalid value for parameter orgId.");
        assertThat(one.parameters()).containsExactly("orgId");

        ApiError two = ApiError.invalidParameters(List.of(
                new FieldViolation("limit", "must be a number"),
                new FieldViolation("orgId", "is required"),
                new FieldViolation("limit", "must be positive")));
        assertThat(two.detail()).isEqualTo("Invalid values for parameters limit, orgId.");
        assertThat(two.parameters()).containsExactly("limit", "orgId");
        assertThat(two.badRequestDetail().fields()).hasSize(3);

        assertThat(ApiError.invalidParameters(List.of()).detail()).isEqualTo("Invalid request parameters.");
        assertThat(ApiError.invalidParameters(List.of()).badRequestDetail()).isNull();
    }

    @Test
    void answersInJsonWithTheGivenHeadersButNotTheirContentType() {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.ALLOW, "GET");
        headers.set(HttpHeaders.CONTENT_TYPE, "text/csv");
        headers.set(HttpHeaders.CONTENT_LENGTH, "12");
        var response = ApiError.forStatus(405).toResponse(headers);
        assertThat(response.getStatusCode().value()).isEqualTo(405);
        assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(response.getHeaders().getFirst(HttpHeaders.ALLOW)).isEqualTo("GET");
        assertThat(response.getHeaders().containsHeader(HttpHeaders.CONTENT_LENGTH))
                .isFalse();
        assertThat(response.getBody()).isEqualTo(ApiError.forStatus(405));
    }
}
