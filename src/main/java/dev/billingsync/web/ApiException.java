package dev.billingsync.web;

import dev.billingsync.web.ApiError.FieldViolation;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

/**
 * A failure the API reports to its caller as an Atlas-style {@link ApiError}: thrown by controllers and mapped by the
 * one {@code @RestControllerAdvice} of this module. The detail is shown to the caller as is, so it must never contain a
 * secret, an upstream body or a class name.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String errorCode;
    private final List<Object> parameters;
    private final List<FieldViolation> fields;
    private final @Nullable Duration retryAfter;

    private ApiException(
            int status,
            String errorCode,
            String detail,
            List<Object> parameters,
            List<FieldViolation> fields,
            @Nullable Duration retryAfter) {
        // A client error, not a bug: no stack trace to fill or log.
        super(detail, null, false, false);
        this.status = status;
        this.errorCode = errorCode;
        this.parameters = parameters;
        this.fields = List.copyOf(fields);
        this.retryAfter = retryAfter;
    }

    /** 404: the resource does not exist (or the caller may not know it does). */
    public static ApiException notFound(String errorCode, String detail, @Nullable Object... parameters) {
        return of(HttpStatus.NOT_FOUND, errorCode, detail, parameters);
    }

    /** 400: the request cannot be served as sent. */
    public static ApiException badRequest(String errorCode, String detail, @Nullable Object... parameters) {
        return of(HttpStatus.BAD_REQUEST, errorCode, detail, parameters);
    }

    /** 409: the request conflicts with the current state, e.g. a sync of the org is already running. */
    public static ApiException conflict(String errorCode, String detail, @Nullable Object... parameters) {
        return of(HttpStatus.CONFLICT, errorCode, detail, parameters);
    }

    /** 403 {@code USER_UNAUTHORIZED}: the caller is authenticated but may not do this. */
    public static ApiException forbidden(String detail) {
        return of(HttpStatus.FORBIDDEN, ApiError.USER_UNAUTHORIZED, detail);
    }

    /**
     * 400 {@code INVALID_PARAMETER} naming one query or path parameter in {@code badRequestDetail.fields}, e.g.
     * {@code invalidParameter("toDate", "must not be before fromDate")}.
     */
    public static ApiException invalidParameter(String field, String description) {
        return invalidParameters(List.of(new FieldViolation(field, description)));
    }

    /** Any other status, e.g. 503 while a dependency is down. */
    public static ApiException of(
            HttpStatusCode status, String errorCode, String detail, @Nullable Object... parameters) {
        return new ApiException(status.value(), errorCode, detail, normalize(parameters), List.of(), null);
    }

    static ApiException invalidParameters(List<FieldViolation> fields) {
        ApiError error = ApiError.invalidParameters(fields);
        return new ApiException(error.error(), error.errorCode(), error.detail(), error.parameters(), fields, null);
    }

    /**
     * The same failure as a temporary refusal (429, 503) that tells the caller when to try again: a
     * {@code Retry-After} header in whole seconds, rounded up, at least one.
     */
    public ApiException withRetryAfter(Duration retryAfter) {
        return new ApiException(status, errorCode, detail(), parameters, fields, retryAfter);
    }

    public int status() {
        return status;
    }

    public String errorCode() {
        return errorCode;
    }

    public String detail() {
        return getMessage();
    }

    public List<Object> parameters() {
        return parameters;
    }

    /** The {@code Retry-After} header this error carries, if any. */
    HttpHeaders headers() {
        HttpHeaders headers = new HttpHeaders();
        if (retryAfter != null) {
            // Whole seconds, rounded up: a client told too early only comes back to be refused again.
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
        }
        return headers;
    }

    @Override
    public String getMessage() {
        String message = super.getMessage();
        return message != null ? message : "";
    }

    ApiError toApiError() {
        return new ApiError(
                status,
                errorCode,
                ApiError.reasonPhrase(status),
                detail(),
                parameters,
                fields.isEmpty() ? null : new ApiError.BadRequestDetail(fields));
    }

    /** Only plain values reach the JSON body, never an arbitrary object's serialized form. */
    private static List<Object> normalize(@Nullable Object @Nullable [] parameters) {
        if (parameters == null) {
            return List.of();
        }
        return Arrays.stream(parameters)
                .<Object>map(
                        p -> p instanceof String || p instanceof Number || p instanceof Boolean ? p : String.valueOf(p))
                .toList();
    }
}
