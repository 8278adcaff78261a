package dev.billingsync.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.billingsync.web.ApiError.FieldViolation;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.security.web.firewall.RequestRejectedException;
import tools.jackson.core.JsonGenerator;

/**
 * The {@code envelope} and {@code pretty} query parameters every API call takes (MongoDB IPA-115), and the one place
 * that wraps a body in the envelope.
 */
record ResponseOptions(boolean envelope, boolean pretty) {

    static final String ENVELOPE = "envelope";
    static final String PRETTY = "pretty";

    /** The request attribute telling {@link ApiJsonConverter} to indent the body it writes. */
    static final String PRETTY_ATTRIBUTE = ResponseOptions.class.getName() + ".pretty";

    static final ResponseOptions NONE = new ResponseOptions(false, false);

    /** The options of a request, or a 400 {@code INVALID_PARAMETER} when a value is not a boolean. */
    static ResponseOptions strict(HttpServletRequest request) {
        List<FieldViolation> violations = new ArrayList<>(2);
        boolean envelope = parse(request, ENVELOPE, violations);
        boolean pretty = parse(request, PRETTY, violations);
        if (!violations.isEmpty()) {
            throw ApiException.invalidParameters(violations);
        }
        return new ResponseOptions(envelope, pretty);
    }

    /**
     * The options as far as they can be honoured while reporting an error: anything but a clear {@code true} is
     * {@code false}, so an error about the options themselves is still written.
     */
    static ResponseOptions lenient(HttpServletRequest request) {
        try {
            return new ResponseOptions(isTrue(request, ENVELOPE), isTrue(request, PRETTY));
        } catch (RequestRejectedException | IllegalArgumentException | IllegalStateException e) {
            // The firewall refuses to hand out a malformed parameter; the container may fail to parse the query.
            return NONE;
        }
    }

    private static boolean isTrue(HttpServletRequest request, String name) {
        String[] values = request.getParameterValues(name);
        return values != null && values.length == 1 && "true".equalsIgnoreCase(values[0]);
    }

    /** The body to write for this status: the body itself, or its envelope. */
    Object shape(Object body, int status) {
        if (!envelope) {
            return body;
        }
        if (body instanceof PageResponse<?> page) {
            return new EnvelopedPage(page.links(), page.results(), page.totalCount(), status);
        }
        if (body instanceof ListBody list) {
            return list.withStatus(status);
        }
        return new Enveloped(status, body);
    }

    /**
     * Writes a streamed single resource the way {@link #shape} shapes a returned one: the content, or
     * {@code {"status": ..., "content": ...}}.
     */
    void writeResource(JsonGenerator generator, int status, StreamedJson.Content content) {
        if (!envelope) {
            content.writeTo(generator);
            return;
        }
        generator.writeStartObject();
        generator.writeNumberProperty("status", status);
        generator.writeName("content");
        content.writeTo(generator);
        generator.writeEndObject();
    }

    /**
     * Writes a streamed list the way a returned {@link PageResponse} is written, {@code status} last when enveloped
     * (the field order of {@link EnvelopedPage}).
     */
    void writePage(
            JsonGenerator generator,
            int status,
            List<Link> links,
            @Nullable Long totalCount,
            StreamedJson.Content results) {
        generator.writeStartObject();
        generator.writeName("links");
        generator.writePOJO(links);
        generator.writeName("results");
        generator.writeStartArray();
        results.writeTo(generator);
        generator.writeEndArray();
        if (totalCount != null) {
            generator.writeNumberProperty("totalCount", totalCount);
        }
        if (envelope) {
            generator.writeNumberProperty("status", status);
        }
        generator.writeEndObject();
    }

    private static boolean parse(HttpServletRequest request, String name, List<FieldViolation> violations) {
        String[] values = request.getParameterValues(name);
        if (values == null || values.length == 0) {
            return false;
        }
        if (values.length > 1) {
            violations.add(new FieldViolation(name, "must be given at most once"));
            return false;
        }
        String value = values[0].toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true" -> true;
            case "false", "" -> false;
            default -> {
                violations.add(new FieldViolation(name, "must be true or false"));
                yield false;
            }
        };
    }

    /** A single resource or an error in its envelope: {@code {"status": 200, "content": {...}}}. */
    @JsonPropertyOrder({"status", "content"})
    record Enveloped(int status, Object content) {}

    /** A list in its envelope: the list object itself plus {@code status}. */
    @JsonPropertyOrder({"links", "results", "totalCount", "status"})
    record EnvelopedPage(
            List<Link> links,
            List<?> results,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            Long totalCount,

            int status) {}
}
