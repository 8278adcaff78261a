package dev.billingsync.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The error body of every failed API call, in the shape of the Atlas Admin API's {@code ApiError} (MongoDB IPA-114).
 * {@code badRequestDetail} is present only for validation failures. The vocabulary lives here too: the stable codes,
 * the generic detail of each status, and the factories every adapter (Spring MVC, Spring Security, the error page,
 * Tomcat) builds its errors with.
 *
 * @param error the HTTP status code
 * @param errorCode a stable UPPER_SNAKE code clients can switch on
 * @param reason the HTTP reason phrase
 * @param detail human-readable text; never a stack trace, class name or upstream body
 * @param parameters values the detail refers to (ids, parameter names)
 * @param badRequestDetail the invalid fields of a 400
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"error", "errorCode", "reason", "detail", "parameters", "badRequestDetail"})
public record ApiError(
        int error,
        String errorCode,
        String reason,
        String detail,
        List<Object> parameters,
        @Nullable BadRequestDetail badRequestDetail) {

    static final String INVALID_ATTRIBUTE = "INVALID_ATTRIBUTE";
    static final String INVALID_JSON = "INVALID_JSON";
    static final String INVALID_PARAMETER = "INVALID_PARAMETER";
    static final String INVALID_REQUEST = "INVALID_REQUEST";
    static final String MISSING_PARAMETER = "MISSING_PARAMETER";
    static final String RESOURCE_NOT_FOUND = "RESOURCE_NOT_FOUND";
    static final String UNAUTHORIZED = "UNAUTHORIZED";
    static final String USER_UNAUTHORIZED = "USER_UNAUTHORIZED";
    static final String UNEXPECTED_ERROR = "UNEXPECTED_ERROR";

    static final String UNEXPECTED_ERROR_DETAIL =
            "An unexpected error occurred. It has been logged; please try again later.";
    static final String MISSING_CREDENTIALS_DETAIL =
            "Authentication is required: send an API key in the X-API-Key header or an OAuth 2.0 bearer token.";
    static final String FORBIDDEN_DETAIL = "The caller is not authorized to perform this action.";
    static final String REJECTED_DETAIL = "The request was rejected because its URL, method or headers are malformed.";

    public ApiError {
        parameters = List.copyOf(parameters);
    }

    /** The fields of a request that failed validation. */
    public record BadRequestDetail(List<FieldViolation> fields) {

        public BadRequestDetail {
            fields = List.copyOf(fields);
        }
    }

    /**
     * One invalid field.
     *
     * @param field the query or path parameter, header or body property
     * @param description what is wrong with it, e.g. "must be between 1 and 500"
     */
    public record FieldViolation(String field, String description) {}

    static ApiError of(int status, String errorCode, String detail, List<Object> parameters) {
        return new ApiError(status, errorCode, reasonPhrase(status), detail, parameters, null);
    }

    /** An error that only has a status to go by: its code and its generic detail. */
    static ApiError forStatus(int status) {
        return of(status, errorCode(status), genericDetail(status), List.of());
    }

    /** A bug: 500 with a generic detail, the failure itself logged where it was caught. */
    static ApiError unexpected() {
        return of(500, UNEXPECTED_ERROR, UNEXPECTED_ERROR_DETAIL, List.of());
    }

    /** 400 for a request whose URL, method or headers the firewall or the servlet container refuses. */
    static ApiError rejected() {
        return of(400, INVALID_REQUEST, REJECTED_DETAIL, List.of());
    }

    /** 401: no credentials, or credentials that are not valid ({@code detail} says which, never why). */
    static ApiError unauthorized(String detail) {
        return of(401, UNAUTHORIZED, detail, List.of());
    }

    /** 403: the caller is authenticated but lacks the role, scope or org. */
    static ApiError forbidden() {
        return of(403, USER_UNAUTHORIZED, FORBIDDEN_DETAIL, List.of());
    }

    static ApiError invalid(int status, String errorCode, String detail, List<FieldViolation> fields) {
        List<Object> names = fields.stream()
                .map(FieldViolation::field)
                .distinct()
                .<Object>map(f -> f)
                .toList();
        return new ApiError(
                status,
                errorCode,
                reasonPhrase(status),
                detail,
                names,
                fields.isEmpty() ? null : new BadRequestDetail(fields));
    }

    /** 400 {@code INVALID_PARAMETER} naming each invalid query or path parameter in the detail and the parameters. */
    static ApiError invalidParameters(List<FieldViolation> fields) {
        List<String> names =
                fields.stream().map(FieldViolation::field).distinct().toList();
        String detail = switch (names.size()) {
            case 0 -> "Invalid request parameters.";
            case 1 -> "Invalid value for parameter " + names.get(0) + ".";
            default -> "Invalid values for parameters " + String.join(", ", names) + ".";
        };
        return invalid(400, INVALID_PARAMETER, detail, fields);
    }

    static String errorCode(int status) {
        return switch (status) {
            case 400 -> INVALID_REQUEST;
            case 401 -> UNAUTHORIZED;
            case 403 -> USER_UNAUTHORIZED;
            case 404 -> RESOURCE_NOT_FOUND;
            case 405 -> "METHOD_NOT_ALLOWED";
            case 406 -> "NOT_ACCEPTABLE";
            case 408 -> "REQUEST_TIMEOUT";
            case 413 -> "PAYLOAD_TOO_LARGE";
            case 414 -> "URI_TOO_LONG";
            case 415 -> "UNSUPPORTED_MEDIA_TYPE";
            case 431 -> "REQUEST_HEADER_FIELDS_TOO_LARGE";
            case 500 -> UNEXPECTED_ERROR;
            case 503 -> "SERVICE_UNAVAILABLE";
            default -> {
                HttpStatus known = HttpStatus.resolve(status);
                yield known != null ? known.name() : (status >= 500 ? UNEXPECTED_ERROR : INVALID_REQUEST);
            }
        };
    }

    static String genericDetail(int status) {
        return switch (status) {
            case 400 -> "The request is malformed.";
            case 401 -> MISSING_CREDENTIALS_DETAIL;
            case 403 -> FORBIDDEN_DETAIL;
            case 404 -> "There is no resource at this path.";
            case 405 -> "The HTTP method is not supported by this resource.";
            case 406 -> "None of the media types in the Accept header can be produced.";
            case 413 -> "The request is too large.";
            case 414 -> "The request URL is too long.";
            case 415 -> "The request body's Content-Type is not supported; send application/json.";
            case 503 -> "The service is temporarily unavailable; please try again later.";
            default -> status >= 500 ? UNEXPECTED_ERROR_DETAIL : "The request cannot be served.";
        };
    }

    static String reasonPhrase(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known != null ? known.getReasonPhrase() : "Error";
    }

    ResponseEntity<ApiError> toResponse() {
        return toResponse(HttpHeaders.EMPTY);
    }

    /**
     * This error as a Spring MVC response with {@code headers} (e.g. {@code Allow}, {@code Retry-After}). The content
     * type is fixed so that an error is written as JSON whatever the request's {@code Accept} header asked for (a 406
     * must still have a body, and so must a failed CSV download).
     */
    ResponseEntity<ApiError> toResponse(HttpHeaders headers) {
        HttpHeaders copy = new HttpHeaders();
        headers.forEach((name, values) -> {
            if (!HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)
                    && !HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)) {
                copy.addAll(name, values);
            }
        });
        return ResponseEntity.status(error)
                .headers(copy)
                .contentType(MediaType.APPLICATION_JSON)
                .body(this);
    }
}
