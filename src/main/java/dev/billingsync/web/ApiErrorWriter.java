package dev.billingsync.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.MediaType;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes an {@link ApiError} straight to the servlet response, for failures outside Spring MVC (authentication, the
 * firewall), honouring {@code envelope} and {@code pretty} the same way {@link EnvelopeAdvice} does.
 */
final class ApiErrorWriter {

    private final JsonMapper mapper;

    ApiErrorWriter(JsonMapper mapper) {
        this.mapper = mapper;
    }

    JsonMapper mapper() {
        return mapper;
    }

    void write(HttpServletRequest request, HttpServletResponse response, ApiError error) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        ResponseOptions options = ResponseOptions.lenient(request);
        response.resetBuffer();
        response.setStatus(error.error());
        // Jackson writes UTF-8 bytes, JSON's only encoding; no charset parameter, as on every other response.
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        ObjectWriter writer = options.pretty() ? mapper.writerWithDefaultPrettyPrinter() : mapper.writer();
        writer.writeValue(response.getOutputStream(), options.shape(error, error.error()));
        response.flushBuffer();
    }
}
