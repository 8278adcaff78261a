package dev.billingsync.web;

import dev.billingsync.web.ApiError.FieldViolation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import java.io.IOException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.ConversionNotSupportedException;
import org.springframework.beans.TypeMismatchException;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.validation.BindException;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;

/**
 * Maps every failure of an MVC request to an Atlas-style {@link ApiError} with a stable {@code errorCode}. Bad input
 * is always a 4xx; only a bug is a 500, logged once here and answered with a generic detail. Details never echo
 * exception messages, which may name classes, SQL or upstream bodies.
 */
@RestControllerAdvice
class ApiExceptionHandler {

    static final String INVALID_ATTRIBUTE = "INVALID_ATTRIBUTE";
    static final String INVALID_JSON = "INVALID_JSON";
    static final String INVALID_REQUEST = "INVALID_REQUEST";
    static final String MISSING_PARAMETER = "MISSING_PARAMETER";
    static final String RESOURCE_NOT_FOUND = "RESOURCE_NOT_FOUND";
    static final String UNEXPECTED_ERROR = "UNEXPECTED_ERROR";
    static final String UNEXPECTED_ERROR_DETAIL =
            "An unexpected error occurred. It has been logged; please try again later.";

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ApiError> apiException(ApiException e) {
        return respond(e.toApiError(), e.headers());
    }

    @ExceptionHandler(HandlerMethodValidationException.class)
    ResponseEntity<ApiError> methodValidation(HandlerMethodValidationException e, HttpServletRequest request) {
        if (e.isForReturnValue()) {
            return unexpected(e, request);
        }
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
        return respond(invalid(body, fields));
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<ApiError> constraintViolation(ConstraintViolationException e) {
        Set<ConstraintViolation<?>> violations = e.getConstraintViolations();
        List<FieldViolation> fields = violations == null
                ? List.of()
                : violations.stream()
                        .map(v -> new FieldViolation(fieldName(v.getPropertyPath()), v.getMessage()))
                        .sorted((a, b) -> a.field().compareTo(b.field()))
                        .toList();
        return respond(ApiException.invalidParameters(fields).toApiError());
    }

    @ExceptionHandler(BindException.class)
    ResponseEntity<ApiError> binding(BindException e) {
        boolean body = e instanceof MethodArgumentNotValidException invalid
                && invalid.getParameter().hasParameterAnnotation(RequestBody.class);
        String objectName = e.getBindingResult().getObjectName();
        return respond(invalid(
                body,
                violations(
                        e.getBindingResult().getFieldErrors(),
                        e.getBindingResult().getGlobalErrors(),
                        objectName)));
    }

    @ExceptionHandler(TypeMismatchException.class)
    ResponseEntity<ApiError> typeMismatch(TypeMismatchException e, HttpServletRequest request) {
        if (e instanceof ConversionNotSupportedException) {
            return unexpected(e, request);
        }
        MethodParameter parameter =
                e instanceof MethodArgumentTypeMismatchException mismatch ? mismatch.getParameter() : null;
        String name = e instanceof MethodArgumentTypeMismatchException mismatch
                ? mismatch.getName()
                : String.valueOf(e.getPropertyName());
        return respond(ApiException.invalidParameters(
                        List.of(new FieldViolation(name, expectation(e.getRequiredType(), parameter))))
                .toApiError());
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ApiError> missingParameter(MissingServletRequestParameterException e) {
        return respond(ApiError.invalid(
                400,
                MISSING_PARAMETER,
                "Missing required parameter " + e.getParameterName() + ".",
                List.of(new FieldViolation(e.getParameterName(), "is required"))));
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ResponseEntity<ApiError> missingHeader(MissingRequestHeaderException e) {
        return respond(ApiError.invalid(
                400,
                MISSING_PARAMETER,
                "Missing required header " + e.getHeaderName() + ".",
                List.of(new FieldViolation(e.getHeaderName(), "is required"))));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ApiError> unreadableBody(HttpMessageNotReadableException e) {
        String field = jsonPath(e);
        if (field != null) {
            return respond(ApiError.invalid(
                    400,
                    INVALID_JSON,
                    "The request body has an invalid value at " + field + ".",
                    List.of(new FieldViolation(field, "has an invalid value"))));
        }
        return respond(ApiError.of(400, INVALID_JSON, "The request body is missing or is not valid JSON.", List.of()));
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ApiError> multipart(MultipartException e) {
        if (e instanceof MaxUploadSizeExceededException) {
            return respond(ApiError.of(413, errorCode(413), genericDetail(413), List.of()));
        }
        return respond(ApiError.of(400, INVALID_REQUEST, "The multipart body is malformed.", List.of()));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ApiError> methodNotAllowed(HttpRequestMethodNotSupportedException e) {
        String allowed = e.getSupportedHttpMethods() == null
                ? ""
                : " Allowed: "
                        + e.getSupportedHttpMethods().stream()
                                .map(Object::toString)
                                .collect(Collectors.joining(", ")) + ".";
        return respond(
                ApiError.of(
                        405,
                        "METHOD_NOT_ALLOWED",
                        "The HTTP method is not supported by this resource." + allowed,
                        List.of()),
                e.getHeaders());
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ApiError> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        List<Object> supported = e.getSupportedMediaTypes().stream()
                .<Object>map(MediaType::toString)
                .toList();
        return respond(ApiError.of(
                406,
                "NOT_ACCEPTABLE",
                "None of the media types in the Accept header can be produced"
                        + (supported.isEmpty()
                                ? "."
                                : "; this resource produces "
                                        + String.join(
                                                ", ",
                                                supported.stream()
                                                        .map(Object::toString)
                                                        .toList()) + "."),
                supported));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ApiError> unsupportedMediaType(HttpMediaTypeNotSupportedException e) {
        return respond(
                ApiError.of(
                        415,
                        "UNSUPPORTED_MEDIA_TYPE",
                        "The request body's Content-Type is not supported; send application/json.",
                        List.of()),
                e.getHeaders());
    }

    @ExceptionHandler({NoResourceFoundException.class, NoHandlerFoundException.class})
    ResponseEntity<ApiError> notFound(Exception e) {
        return respond(ApiError.of(404, RESOURCE_NOT_FOUND, "There is no resource at this path.", List.of()));
    }

    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<ApiError> rejected(RequestRejectedException e) {
        return respond(ApiError.of(400, INVALID_REQUEST, ApiSecurityErrors.REJECTED_DETAIL, List.of()));
    }

    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<ApiError> accessDenied(AccessDeniedException e) {
        return respond(ApiSecurityErrors.forbidden());
    }

    @ExceptionHandler(AuthenticationException.class)
    ResponseEntity<ApiError> unauthenticated(AuthenticationException e) {
        return respond(ApiSecurityErrors.unauthorized(ApiSecurityErrors.MISSING_CREDENTIALS_DETAIL));
    }

    @ExceptionHandler(AsyncRequestNotUsableException.class)
    @Nullable
    ResponseEntity<ApiError> clientGone(AsyncRequestNotUsableException e) {
        log.debug("Client went away before the response was written: {}", e.getMessage());
        return null;
    }

    /**
     * Anything else. Spring MVC's own failures ({@link ErrorResponse}) keep their status but not their message, which
     * is not written for clients; everything else is a bug.
     */
    @ExceptionHandler(Exception.class)
    @Nullable
    ResponseEntity<ApiError> other(Exception e, HttpServletRequest request) {
        if (isClientAbort(e)) {
            log.debug("Client went away while the response was written: {}", e.toString());
            return null;
        }
        if (isMalformedParameters(e)) {
            return respond(ApiError.of(
                    400,
                    ApiException.INVALID_PARAMETER,
                    "The query string or form body is not correctly encoded.",
                    List.of()));
        }
        if (e instanceof ErrorResponse error && !isServerError(error.getStatusCode())) {
            int status = error.getStatusCode().value();
            String detail = e instanceof ResponseStatusException statusException && statusException.getReason() != null
                    ? statusException.getReason()
                    : genericDetail(status);
            return respond(ApiError.of(status, errorCode(status), detail, List.of()), error.getHeaders());
        }
        return unexpected(e, request);
    }

    private static boolean isServerError(HttpStatusCode status) {
        return status.is5xxServerError() && status.value() != 503;
    }

    static ResponseEntity<ApiError> unexpected(Exception e, HttpServletRequest request) {
        log.error("Unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
        return respond(ApiError.of(500, UNEXPECTED_ERROR, UNEXPECTED_ERROR_DETAIL, List.of()));
    }

    static ResponseEntity<ApiError> respond(ApiError error) {
        return respond(error, HttpHeaders.EMPTY);
    }

    /**
     * The content type is fixed so that an error is written as JSON whatever the request's {@code Accept} header
     * asked for (a 406 must still have a body, and so must a failed CSV download).
     */
    static ResponseEntity<ApiError> respond(ApiError error, HttpHeaders headers) {
        HttpHeaders copy = new HttpHeaders();
        headers.forEach((name, values) -> {
            if (!HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)
                    && !HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)) {
                copy.addAll(name, values);
            }
        });
        return ResponseEntity.status(error.error())
                .headers(copy)
                .contentType(MediaType.APPLICATION_JSON)
                .body(error);
    }

    static String errorCode(int status) {
        return switch (status) {
            case 400 -> INVALID_REQUEST;
            case 401 -> ApiSecurityErrors.UNAUTHORIZED;
            case 403 -> ApiSecurityErrors.USER_UNAUTHORIZED;
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
            case 401 -> ApiSecurityErrors.MISSING_CREDENTIALS_DETAIL;
            case 403 -> ApiSecurityErrors.FORBIDDEN_DETAIL;
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

    private static ApiError invalid(boolean body, List<FieldViolation> fields) {
        if (body) {
            return ApiError.invalid(400, INVALID_ATTRIBUTE, "The request body has invalid attributes.", fields);
        }
        return ApiException.invalidParameters(fields).toApiError();
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
            return "has an invalid value";
        }
        String message = error.getDefaultMessage();
        return message != null && !message.isBlank() ? message : "is invalid";
    }

    static String parameterName(MethodParameter parameter) {
        RequestParam requestParam = parameter.getParameterAnnotation(RequestParam.class);
        if (requestParam != null) {
            String name = requestParam.name().isEmpty() ? requestParam.value() : requestParam.name();
            if (!name.isEmpty()) {
                return name;
            }
        }
        PathVariable pathVariable = parameter.getParameterAnnotation(PathVariable.class);
        if (pathVariable != null) {
            String name = pathVariable.name().isEmpty() ? pathVariable.value() : pathVariable.name();
            if (!name.isEmpty()) {
                return name;
            }
        }
        RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
        if (header != null) {
            String name = header.name().isEmpty() ? header.value() : header.name();
            if (!name.isEmpty()) {
                return name;
            }
        }
        if (parameter.hasParameterAnnotation(RequestBody.class)) {
            return "body";
        }
        String name = parameter.getParameterName();
        return name != null ? name : "parameter" + parameter.getParameterIndex();
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
    static String expectation(@Nullable Class<?> requiredType, @Nullable MethodParameter parameter) {
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
        if (raw == int.class
                || raw == Integer.class
                || raw == long.class
                || raw == Long.class
                || raw == short.class
                || raw == Short.class
                || raw == BigInteger.class) {
            return "must be an integer within range";
        }
        if (raw == double.class
                || raw == Double.class
                || raw == float.class
                || raw == Float.class
                || raw == BigDecimal.class) {
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

    /**
     * The servlet container could not decode the parameters (e.g. {@code pageNum=%zz}); it reports that when they are
     * first read, as an exception of its own (Tomcat's {@code InvalidParameterException}, Jetty's
     * {@code BadMessageException}).
     */
    private static boolean isMalformedParameters(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String name = t.getClass().getSimpleName();
            if (name.equals("InvalidParameterException") || name.equals("BadMessageException")) {
                return true;
            }
        }
        return false;
    }

    static boolean isClientAbort(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AsyncRequestNotUsableException
                    || (t instanceof IOException && t.getClass().getSimpleName().equals("ClientAbortException"))) {
                return true;
            }
        }
        return false;
    }
}
