package dev.billingsync.atlas;

import java.time.Instant;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ValueDeserializer;

/**
 * Line items of one invoice share a few distinct date strings (a usage day's start and end, a few creation times),
 * and parsing an ISO date is the dearest part of binding a line item: each distinct string is parsed once per
 * invoice, by the mapper's own {@code Instant} deserializer (so the result is the same), and remembered in a map
 * bounded at {@value #MAX_REMEMBERED} strings that lives as long as one {@link AtlasInvoiceReader#forEachLineItem} call.
 */
final class RepeatedInstants extends ValueDeserializer<Instant> {

    static final int MAX_REMEMBERED = 4096;

    private final ObjectReader plain = AtlasJson.MAPPER.readerFor(Instant.class);

    @Override
    @SuppressWarnings("unchecked")
    public Instant deserialize(JsonParser parser, DeserializationContext context) {
        Map<String, Instant> seen = (Map<String, Instant>) context.getAttribute(RepeatedInstants.class);
        if (seen == null || parser.currentToken() != JsonToken.VALUE_STRING) {
            return plain.readValue(parser);
        }
        String text = parser.getString();
        Instant known = seen.get(text);
        if (known != null) {
            return known;
        }
        Instant parsed = plain.readValue(parser);
        if (parsed != null && seen.size() < MAX_REMEMBERED) {
            seen.put(text, parsed);
        }
        return parsed;
    }
}
