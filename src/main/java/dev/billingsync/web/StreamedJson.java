package dev.billingsync.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.BiConsumer;
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

    StreamedJson(JsonMapper apiMapper) {
        // The servlet container ends the response; the generator must not close its stream, least of all on failure.
        this.writer = apiMapper.writer().without(StreamWriteFeature.AUTO_CLOSE_TARGET);
    }

    /** A single resource, status 200. */
    public void resource(HttpServletResponse response, Content content) {
        write(response, (options, generator) -> options.writeResource(generator, 200, content));
    }

    /** The list of {@code page}'s items, read for {@code request}, written by {@code results}; status 200. */
    public void page(HttpServletResponse response, PageRequest request, Page<?> page, Content results) {
        List<Link> links = PageResponse.links(request, page.results().size(), page.totalCount());
        Long shownCount = request.includeCount() ? page.totalCount() : null;
        write(response, (options, generator) -> options.writePage(generator, 200, links, shownCount, results));
    }

    private void write(HttpServletResponse response, BiConsumer<ResponseOptions, JsonGenerator> body) {
        HttpServletRequest request =
                ((ServletRequestAttributes) RequestContextHolder.currentRequestAttributes()).getRequest();
        ResponseOptions options = ResponseOptions.lenient(request);
        response.setStatus(200);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        try {
            JsonGenerator generator = (options.pretty() ? writer.withDefaultPrettyPrinter() : writer)
                    .createGenerator(response.getOutputStream(), JsonEncoding.UTF8);
            body.accept(options, generator);
            generator.close();
            response.flushBuffer();
        } catch (IOException e) {
            throw discardUnsent(response, new UncheckedIOException(e));
        } catch (RuntimeException e) {
            throw discardUnsent(response, e);
        }
    }

    private static RuntimeException discardUnsent(HttpServletResponse response, RuntimeException e) {
        if (!response.isCommitted()) {
            response.resetBuffer();
        }
        return e;
    }
}
