package dev.billingsync.web;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's own error reports as Atlas error bodies instead of HTML. Tomcat answers some requests itself before any
 * filter or servlet sees them (a request target with characters HTTP forbids, an encoded slash or NUL in the path,
 * broken percent-encoding); without this valve those answers would be HTML pages. Errors the application renders
 * (through Spring MVC or the {@code /error} page) have a body already and are left alone.
 */
final class ApiErrorReportValve extends ErrorReportValve {

    private final JsonMapper mapper;

    ApiErrorReportValve(JsonMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        ApiError error = status == 400 ? ApiError.rejected() : ApiError.forStatus(status);
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(mapper.writeValueAsString(error));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response cannot take a body any more; nothing else to report to.
        }
    }

    /**
     * Puts the valve on Tomcat's host, after the plain one Spring Boot adds, so that it reports first. Tomcat only:
     * other containers keep their own error pages.
     */
    static final class Installer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        private final JsonMapper mapper;

        Installer(JsonMapper mapper) {
            this.mapper = mapper;
        }

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addContextCustomizers(this::install);
        }

        private void install(Context context) {
            if (context.getParent() != null) {
                context.getParent().getPipeline().addValve(new ApiErrorReportValve(mapper));
            }
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
