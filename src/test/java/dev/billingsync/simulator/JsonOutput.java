package dev.billingsync.simulator;

import java.io.OutputStream;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The one Jackson setup of the simulator: compact or pretty generators, and a BigDecimal-exact reader. */
final class JsonOutput {

    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private JsonOutput() {}

    static JsonGenerator generator(OutputStream out, boolean pretty) {
        return pretty
                ? MAPPER.writer().withDefaultPrettyPrinter().createGenerator(out)
                : MAPPER.writer().createGenerator(out);
    }

    static RenderedBody render(boolean pretty, Consumer<JsonGenerator> writer) {
        RenderedBody.Sink sink = new RenderedBody.Sink();
        try (JsonGenerator generator = generator(sink, pretty)) {
            writer.accept(generator);
        }
        return sink.finish();
    }

    static JsonNode parse(RenderedBody body) {
        return MAPPER.readTree(body.toByteArray());
    }
}
