package dev.billingsync.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.ConversionNotSupportedException;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.validation.BindException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Maps every failure of an MVC request to an Atlas-style {@link ApiError} with a stable {@code errorCode}. Bad input
 * is always a 4xx ({@link RequestViolations} names the invalid fields); only a bug is a 500, logged once here and
 * answered with a generic detail. Details never echo exception messages, which may name classes, SQL or upstream
 * bodies.
 */
@RestControllerAdvice
class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ApiError> apiException(ApiException e) {
        return e.toApiError().toResponse(e.headers());
    }

    @ExceptionHandler(HandlerMethodValidationException.class)
    ResponseEntity<ApiError> methodValidation(HandlerMethodValidationException e, HttpServletRequest request) {
        if (e.isForReturnValue()) {
            return unexpected(e, request);
        }
        return RequestViolations.methodValidation(e).toResponse();
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<ApiError> constraintViolation(ConstraintViolationException e) {
        return RequestViolations.constraintViolations(e).toResponse();
    }

    @ExceptionHandler(BindException.class)
    ResponseEntity<ApiError> binding(BindException e) {
        return RequestViolations.binding(e).toResponse();
    }

    @ExceptionHandler(TypeMismatchException.class)
    ResponseEntity<ApiError> typeMismatch(TypeMismatchException e, HttpServletRequest request) {
        if (e instanceof ConversionNotSupportedException) {
            return unexpected(e, request);
        }
        return RequestViolations.typeMismatch(e).toResponse();
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ApiError> missingParameter(MissingServletRequestParameterException e) {
        return RequestViolations.missingParameter(e).toResponse();
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ResponseEntity<ApiError> missingHeader(MissingRequestHeaderException e) {
        return RequestViolations.missingHeader(e).toResponse();
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ApiError> unreadableBody(HttpMessageNotReadableException e) {
        return RequestViolations.unreadableBody(e).toResponse();
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ApiError> multipart(MultipartException e) {
        if (e instanceof MaxUploadSizeExceededException) {
            return ApiError.forStatus(413).toResponse();
        }
        return ApiError.of(400, ApiError.INVALID_REQUEST, "The multipart body is malformed.", List.of())
                .toResponse();
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ApiError> methodNotAllowed(HttpRequestMethodNotSupportedException e) {
        String allowed = e.getSupportedHttpMethods() == null
                ? ""
                : " Allowed: "
                        + e.getSupportedHttpMethods().stream()
                                .map(Object::toString)
                                .collect(Collectors.joining(", ")) + ".";
        return ApiError.of(
                        405,
                        "METHOD_NOT_ALLOWED",
                        "The HTTP method is not supported by this resource." + allowed,
                        List.of())
                .toResponse(e.getHeaders());
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ApiError> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        List<Object> supported = e.getSupportedMediaTypes().stream()
                .<Object>map(MediaType::toString)
                .toList();
        String produced = supported.isEmpty()
                ? "."
                : "; this resource produces "
                        + supported.stream().map(Object::toString).collect(Collectors.joining(", ")) + ".";
        return ApiError.of(
                        406,
                        "NOT_ACCEPTABLE",
                        "None of the media types in the Accept header can be produced" + produced,
                        supported)
                .toResponse();
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ApiError> unsupportedMediaType(HttpMediaTypeNotSupportedException e) {
        return ApiError.of(415, "UNSUPPORTED_MEDIA_TYPE", ApiError.genericDetail(415), List.of())
                .toResponse(e.getHeaders());
    }

    @ExceptionHandler({NoResourceFoundException.class, NoHandlerFoundException.class})
    ResponseEntity<ApiError> notFound(Exception e) {
        return ApiError.forStatus(404).toResponse();
    }

    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<ApiError> rejected(RequestRejectedException e) {
        return ApiError.rejected().toResponse();
    }

    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<ApiError> accessDenied(AccessDeniedException e) {
        return ApiError.forbidden().toResponse();
    }

    @ExceptionHandler(AuthenticationException.class)
    ResponseEntity<ApiError> unauthenticated(AuthenticationException e) {
        return ApiError.unauthorized(ApiError.MISSING_CREDENTIALS_DETAIL).toResponse();
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
            return ApiError.of(
                            400,
                            ApiError.INVALID_PARAMETER,
                            "The query string or form body is not correctly encoded.",
                            List.of())
                    .toResponse();
        }
        if (e instanceof ErrorResponse error && !isServerError(error.getStatusCode())) {
            int status = error.getStatusCode().value();
            String detail = e instanceof ResponseStatusException statusException && statusException.getReason() != null
                    ? statusException.getReason()
                    : ApiError.genericDetail(status);
            return ApiError.of(status, ApiError.errorCode(status), detail, List.of())
                    .toResponse(error.getHeaders());
        }
        return unexpected(e, request);
    }

    private static boolean isServerError(HttpStatusCode status) {
        return status.is5xxServerError() && status.value() != 503;
    }

    private static ResponseEntity<ApiError> unexpected(Exception e, HttpServletRequest request) {
        log.error("Unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
        return ApiError.unexpected().toResponse();
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
