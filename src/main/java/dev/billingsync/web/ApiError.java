package dev.billingsync.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * The error body of every failed API call, in the shape of the Atlas Admin API's {@code ApiError} (MongoDB IPA-114).
 * {@code badRequestDetail} is present only for validation failures.
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

    static String reasonPhrase(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known != null ? known.getReasonPhrase() : "Error";
    }
}
