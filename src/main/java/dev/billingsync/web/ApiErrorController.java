package dev.billingsync.web;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartException;

/**
 * Renders errors that happen outside Spring MVC and reach the servlet container's error page (a filter's exception,
 * a {@code sendError}) as Atlas error bodies, instead of Boot's default error JSON or an HTML page.
 */
@Hidden
@RestController
class ApiErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorController.class);

    @RequestMapping("${server.error.path:${error.path:/error}}")
    @Nullable
    ResponseEntity<ApiError> error(HttpServletRequest request, HttpServletResponse response) {
        if (response.isCommitted()) {
            // A streamed body failed part-way (CommittedResponseResolver). Tomcat includes the error page into what
            // was sent and then closes the connection without the final chunk; an error body appended here would
            // fail or read as data, and a failing include makes Tomcat end the response cleanly instead.
            return null;
        }
        @Nullable Throwable failure = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        ApiError clientError = clientError(failure);
        if (clientError != null) {
            return clientError.toResponse();
        }
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // Called directly rather than as an error page: there is no error, and no resource here either.
        int status = code instanceof Integer value && value >= 400 && value <= 599 ? value : 404;
        if (status >= 500 && status != 503) {
            // The servlet container has logged the exception already, with its stack trace.
            log.debug("Answering an unexpected error on {}", request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI));
            return ApiError.unexpected().toResponse();
        }
        return ApiError.forStatus(status).toResponse();
    }

    /** A filter's exception that is the client's fault, not ours. */
    private static @Nullable ApiError clientError(@Nullable Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RequestRejectedException) {
                return ApiError.rejected();
            }
            if (t instanceof HttpMessageNotReadableException || t instanceof MultipartException) {
                return ApiError.of(400, ApiError.INVALID_REQUEST, "The request body cannot be read.", List.of());
            }
            if (t instanceof ErrorResponse error && error.getStatusCode().is4xxClientError()) {
                return ApiError.forStatus(error.getStatusCode().value());
            }
        }
        return null;
    }
}
