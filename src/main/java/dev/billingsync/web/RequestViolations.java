package dev.billingsync.web;

import dev.billingsync.web.ApiError.FieldViolation;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.TypeMismatchException;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.BindException;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;

/**
 * The 400s of a request Spring MVC could not bind, convert or validate, each naming the invalid fields in
 * {@code badRequestDetail}: {@code INVALID_PARAMETER} for query, path and header parameters, {@code INVALID_ATTRIBUTE}
 * for a body that binds but breaks a constraint, {@code INVALID_JSON} for one that does not bind, and
 * {@code MISSING_PARAMETER}. A description never echoes a converter's message, which names classes.
 */
final class RequestViolations {

    private static final Set<Class<?>> INTEGERS =
            Set.of(int.class, Integer.class, long.class, Long.class, short.class, Short.class, BigInteger.class);
    private static final Set<Class<?>> NUMBERS =
            Set.of(double.class, Double.class, float.class, Float.class, BigDecimal.class);

    private RequestViolations() {}

    /** A constraint on a parameter, or on a {@code @Valid} argument when method validation applies. */
    static ApiError methodValidation(HandlerMethodValidationException e) {
        List<FieldViolation> fields = new ArrayList<>();
        boolean body = false;
        for (ParameterValidationResult result : e.getParameterValidationResults()) {
            MethodParameter parameter = result.getMethodParameter();
            body |= parameter.hasParameterAnnotation(RequestBody.class);
            String name = parameterName(parameter) + containerSuffix(result);
            if (result instanceof ParameterErrors errors) {
                fields.addAll(violations(errors.getFieldErrors(), errors.getGlobalErrors(), name));
            } else {
                result.getResolvableErrors().forEach(error -> fields.add(new FieldViolation(name, describe(error))));
            }
        }
        e.getCrossParameterValidationResults()
                .forEach(error -> fields.add(new FieldViolation("parameters", describe(error))));
        return invalid(body, fields);
    }

    static ApiError constraintViolations(ConstraintViolationException e) {
        Set<ConstraintViolation<?>> violations = e.getConstraintViolations();
        List<FieldViolation> fields = violations == null
                ? List.of()
                : violations.stream()
                        .map(v -> new FieldViolation(fieldName(v.getPropertyPath()), v.getMessage()))
                        .sorted((a, b) -> a.field().compareTo(b.field()))
                        .toList();
        return ApiError.invalidParameters(fields);
    }

    /** A {@code @Valid} body, or parameters bound into a record, that failed to bind or validate. */
    static ApiError binding(BindException e) {
        boolean body = e instanceof MethodArgumentNotValidException invalid
                && invalid.getParameter().hasParameterAnnotation(RequestBody.class);
        String objectName = e.getBindingResult().getObjectName();
        return invalid(
                body,
                violations(
                        e.getBindingResult().getFieldErrors(),
                        e.getBindingResult().getGlobalErrors(),
                        objectName));
    }

    /** A parameter whose text does not convert to its type: the description says what it must look like. */
    static ApiError typeMismatch(TypeMismatchException e) {
        MethodParameter parameter =
                e instanceof MethodArgumentTypeMismatchException mismatch ? mismatch.getParameter() : null;
        String name = e instanceof MethodArgumentTypeMismatchException mismatch
                ? mismatch.getName()
                : String.valueOf(e.getPropertyName());
        return ApiError.invalidParameters(
                List.of(new FieldViolation(name, expectation(e.getRequiredType(), parameter))));
    }

    static ApiError missingParameter(MissingServletRequestParameterException e) {
        return missing("parameter", e.getParameterName());
    }

    static ApiError missingHeader(MissingRequestHeaderException e) {
        return missing("header", e.getHeaderName());
    }

    private static ApiError missing(String kind, String name) {
        return ApiError.invalid(
                400,
                ApiError.MISSING_PARAMETER,
                "Missing required " + kind + " " + name + ".",
                List.of(new FieldViolation(name, "is required")));
    }

    static ApiError unreadableBody(HttpMessageNotReadableException e) {
        String field = jsonPath(e);
        if (field != null) {
            return ApiError.invalid(
                    400,
                    ApiError.INVALID_JSON,
                    "The request body has an invalid value at " + field + ".",
                    List.of(new FieldViolation(field, "has an invalid value")));
        }
        return ApiError.of(400, ApiError.INVALID_JSON, "The request body is missing or is not valid JSON.", List.of());
    }

    /** The name a client knows a handler parameter by: its query, path or header name, or {@code body}. */
    static String parameterName(MethodParameter parameter) {
        RequestParam requestParam = parameter.getParameterAnnotation(RequestParam.class);
        PathVariable pathVariable = parameter.getParameterAnnotation(PathVariable.class);
        RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
        for (String declared : List.of(
                requestParam == null ? "" : nameOrValue(requestParam.name(), requestParam.value()),
                pathVariable == null ? "" : nameOrValue(pathVariable.name(), pathVariable.value()),
                header == null ? "" : nameOrValue(header.name(), header.value()))) {
            if (!declared.isEmpty()) {
                return declared;
            }
        }
        if (parameter.hasParameterAnnotation(RequestBody.class)) {
            return "body";
        }
        String name = parameter.getParameterName();
        return name != null ? name : "parameter" + parameter.getParameterIndex();
    }

    /** An annotation's {@code name}, else its {@code value} alias. */
    private static String nameOrValue(String name, String value) {
        return name.isEmpty() ? value : name;
    }

    private static ApiError invalid(boolean body, List<FieldViolation> fields) {
        if (body) {
            return ApiError.invalid(
                    400, ApiError.INVALID_ATTRIBUTE, "The request body has invalid attributes.", fields);
        }
        return ApiError.invalidParameters(fields);
    }

    private static List<FieldViolation> violations(
            List<FieldError> fieldErrors, List<ObjectError> globalErrors, String objectName) {
        List<FieldViolation> fields = new ArrayList<>();
        fieldErrors.forEach(error -> fields.add(new FieldViolation(error.getField(), describe(error))));
        globalErrors.forEach(error -> fields.add(new FieldViolation(objectName, describe(error))));
        return fields;
    }

    /** A binding failure's message is the converter's, with class names in it; a constraint's message is ours. */
    private static String describe(MessageSourceResolvable error) {
        if (error instanceof FieldError field && field.isBindingFailure()) {
            return field.contains(TypeMismatchException.class)
                    ? expectation(field.unwrap(TypeMismatchException.class).getRequiredType(), null)
                    : "has an invalid value";
        }
        String message = error.getDefaultMessage();
        return message != null && !message.isBlank() ? message : "is invalid";
    }

    private static String containerSuffix(ParameterValidationResult result) {
        if (result.getContainerIndex() != null) {
            return "[" + result.getContainerIndex() + "]";
        }
        if (result.getContainerKey() != null) {
            return "[" + result.getContainerKey() + "]";
        }
        return "";
    }

    /** {@code list.orgId} → {@code orgId}; {@code list.statusNames[1].<list element>} → {@code statusNames[1]}. */
    private static String fieldName(Path path) {
        StringBuilder name = new StringBuilder();
        for (Path.Node node : path) {
            ElementKind kind = node.getKind();
            if (kind == ElementKind.METHOD || kind == ElementKind.CONSTRUCTOR || kind == ElementKind.CROSS_PARAMETER) {
                continue;
            }
            if (kind == ElementKind.CONTAINER_ELEMENT) {
                if (node.getIndex() != null) {
                    name.append('[').append(node.getIndex()).append(']');
                } else if (node.getKey() != null) {
                    name.append('[').append(node.getKey()).append(']');
                }
                continue;
            }
            if (node.getName() != null) {
                if (!name.isEmpty()) {
                    name.append('.');
                }
                name.append(node.getName());
            }
        }
        return name.isEmpty() ? "parameters" : name.toString();
    }

    /** What a query or path parameter of this type must look like, in words. */
    private static String expectation(@Nullable Class<?> requiredType, @Nullable MethodParameter parameter) {
        ResolvableType type = parameter != null
                ? ResolvableType.forMethodParameter(parameter)
                : ResolvableType.forClass(requiredType != null ? requiredType : Object.class);
        if (type.isArray()) {
            type = type.getComponentType();
        } else if (type.asCollection() != ResolvableType.NONE) {
            type = type.asCollection().getGeneric(0);
        }
        Class<?> raw = type.toClass();
        if (raw == Object.class && requiredType != null) {
            raw = requiredType;
        }
        if (INTEGERS.contains(raw)) {
            return "must be an integer within range";
        }
        if (NUMBERS.contains(raw)) {
            return "must be a number";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "must be true or false";
        }
        if (raw == LocalDate.class) {
            return "must be a date in ISO-8601 format, e.g. 2024-01-31";
        }
        if (raw == Instant.class || raw == OffsetDateTime.class || raw == ZonedDateTime.class) {
            return "must be an ISO-8601 date-time with an offset, e.g. 2024-01-31T00:00:00Z";
        }
        if (raw == LocalDateTime.class) {
            return "must be an ISO-8601 date-time, e.g. 2024-01-31T00:00:00";
        }
        if (raw == YearMonth.class) {
            return "must be a year and month, e.g. 2024-01";
        }
        if (raw == UUID.class) {
            return "must be a UUID";
        }
        if (raw.isEnum()) {
            return "must be one of: "
                    + Arrays.stream(raw.getEnumConstants())
                            .map(c -> ((Enum<?>) c).name())
                            .collect(Collectors.joining(", "));
        }
        return "has an invalid value";
    }

    /** The JSON property a body failed at, e.g. {@code items[2].amount}, when Jackson knows it. */
    private static @Nullable String jsonPath(HttpMessageNotReadableException e) {
        Throwable cause = e.getCause();
        if (!(cause instanceof DatabindException databind) || databind.getPath().isEmpty()) {
            return null;
        }
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : databind.getPath()) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? null : path.toString();
    }
}
