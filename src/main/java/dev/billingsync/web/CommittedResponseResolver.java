package dev.billingsync.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * A failure after the status and part of a streamed body went out (a database error mid-export, the async timeout)
 * cannot become an error response any more, and must not look like a complete one either: the other resolvers would
 * append an error body, or call the request handled, and the container would then end the chunked body cleanly, so a
 * CSV reader would take a truncated export for a whole one. This resolver runs first and lets such a failure reach
 * the container, which closes the connection without the final chunk (Tomcat's {@code ErrorReportValve}), a break
 * every HTTP client reports.
 */
class CommittedResponseResolver implements HandlerExceptionResolver, Ordered {

    private static final Logger log = LoggerFactory.getLogger(CommittedResponseResolver.class);

    @Override
    public @Nullable ModelAndView resolveException(
            HttpServletRequest request, HttpServletResponse response, @Nullable Object handler, Exception e) {
        if (!response.isCommitted()) {
            return null;
        }
        if (ApiExceptionHandler.isClientAbort(e)) {
            log.debug("Client went away while the response was written: {}", e.toString());
            return new ModelAndView();
        }
        log.warn(
                "Response to {} {} cut short after it started: {}",
                request.getMethod(),
                request.getRequestURI(),
                e.toString());
        throw new ResponseCutShortException(e);
    }

    @Override
    public int getOrder() {
        // After Spring Boot's DefaultErrorAttributes (HIGHEST_PRECEDENCE), which only records the error.
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }

    /** Carries the failure out of Spring MVC to the container; already logged. */
    static final class ResponseCutShortException extends RuntimeException {

        ResponseCutShortException(Exception cause) {
            super("response cut short", cause, false, false);
        }
    }
}
