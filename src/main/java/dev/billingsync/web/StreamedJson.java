package dev.billingsync.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import tools.jackson.core.JsonEncoding;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a JSON body straight into the response while it is produced (a full invoice from database cursors), in
 * constant memory, with every convention a returned body gets from {@link EnvelopeAdvice} and {@link ApiJsonConverter}:
 * the same mapper (values written with {@link JsonGenerator#writePOJO} get the same serializers), {@code envelope} and
 * {@code pretty} from {@link ResponseOptions}, list links from {@link PageResponse}. Call it from a handler method that
 * takes the {@link HttpServletResponse}, with any error response decided before.
 *
 * <p>A body written with a version (see {@link KeptBodies}) is kept, when small enough, and sent again by
 * {@link #sendKept} to requests of the same URL while the version stays the same.
 *
 * <p>A failure before the first bytes left (a database error early on) still becomes a normal error response: the
 * unsent part is discarded. A failure after that cuts the connection ({@link CommittedResponseResolver}).
 */
public final class StreamedJson {

    /** Writes one JSON value, or the items of a list, to the generator. */
    @FunctionalInterface
    public interface Content {
        void writeTo(JsonGenerator generator);
    }

    private final ObjectWriter writer;
    private final KeptBodies kept;

    StreamedJson(JsonMapper apiMapper, KeptBodies kept) {
        // The servlet container ends the response; the generator must not close its stream, least of all on failure.
        this.writer = apiMapper.writer().without(StreamWriteFeature.AUTO_CLOSE_TARGET);
        this.kept = kept;
    }

    /**
     * Sends the body kept for {@code version} of what the request being handled shows, if one is kept and the request
     * does not refuse kept bodies ({@code Cache-Control: no-cache}); true when it did, false when the body must be
     * written.
     */
    public boolean sendKept(HttpServletResponse response, String version) {
        HttpServletRequest request = currentRequest();
        if (KeptBodies.refused(request)) {
            return false;
        }
        byte[] body = kept.get(KeptBodies.key(version, request));
        if (body == null) {
            return false;
        }
        response.setStatus(200);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(body.length);
        try {
            response.getOutputStream().write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }

    /**
     * A single resource, status 200, written from rows of {@code version} (kept for {@link #sendKept}), or from rows
     * without one when it is null.
     */
    public void resource(HttpServletResponse response, @Nullable String version, Content content) {
        write(response, version, (options, generator) -> options.writeResource(generator, 200, content));
    }

    /**
     * The list of {@code page}'s items, read for {@code request} from rows of {@code version} (as for
     * {@link #resource}), written by {@code results}; status 200.
     */
    public void page(
            HttpServletResponse response,
            PageRequest request,
            Page<?> page,
            @Nullable String version,
            Content results) {
        List<Link> links = PageResponse.links(request, page.results().size(), page.totalCount());
        Long shownCount = request.includeCount() ? page.totalCount() : null;
        write(response, version, (options, generator) -> options.writePage(generator, 200, links, shownCount, results));
    }

    private void write(
            HttpServletResponse response, @Nullable String version, BiConsumer<ResponseOptions, JsonGenerator> body) {
        HttpServletRequest request = currentRequest();
        ResponseOptions options = ResponseOptions.lenient(request);
        response.setStatus(200);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        try {
            OutputStream out =
                    kept.capture(response.getOutputStream(), version == null ? null : KeptBodies.key(version, request));
            JsonGenerator generator = (options.pretty() ? writer.withDefaultPrettyPrinter() : writer)
                    .createGenerator(out, JsonEncoding.UTF8);
            body.accept(options, generator);
            generator.close();
            if (out instanceof KeptBodies.Capture capture) {
                capture.keep();
            }
            response.flushBuffer();
        } catch (IOException e) {
            throw discardUnsent(response, new UncheckedIOException(e));
        } catch (RuntimeException e) {
            throw discardUnsent(response, e);
        }
    }

    private static HttpServletRequest currentRequest() {
        return ((ServletRequestAttributes) RequestContextHolder.currentRequestAttributes()).getRequest();
    }

    private static RuntimeException discardUnsent(HttpServletResponse response, RuntimeException e) {
        if (!response.isCommitted()) {
            response.resetBuffer();
        }
        return e;
    }
}
