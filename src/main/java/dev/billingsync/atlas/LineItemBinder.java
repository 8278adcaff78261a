package dev.billingsync.atlas;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectReader;

/**
 * Binds the line items of one invoice into {@link AtlasLineItem}s straight from the parser's tokens, with the same
 * result as {@code AtlasJson.MAPPER.readerFor(AtlasLineItem.class)} (pinned by {@code LineItemBinderTests}): the
 * per-line databind (property look-ups, a creator buffer, a deserialization context per value) was most of the CPU of
 * an ingest. Only the shapes Atlas sends are read here; any other token for a field (a number where text is expected,
 * text for a decimal, ...) is handed to the mapper's own deserializer for that field's type, so coercions and
 * failures stay the mapper's.
 *
 * <p>An invoice's lines share a few distinct date strings, and parsing an ISO date is the dearest part of a line:
 * each distinct string is parsed once by the mapper and remembered, up to {@value #MAX_REMEMBERED} strings, for as
 * long as this binder lives (one invoice).
 */
final class LineItemBinder {

    static final int MAX_REMEMBERED = 4096;

    private static final ObjectReader STRING = AtlasJson.MAPPER.readerFor(String.class);
    private static final ObjectReader DECIMAL = AtlasJson.MAPPER.readerFor(BigDecimal.class);
    private static final ObjectReader LONG = AtlasJson.MAPPER.readerFor(Long.class);
    private static final ObjectReader INSTANT = AtlasJson.MAPPER.readerFor(Instant.class);
    private static final ObjectReader TAG_VALUES = AtlasJson.MAPPER.readerFor(new TypeReference<List<String>>() {});
    private static final ObjectReader TAGS =
            AtlasJson.MAPPER.readerFor(new TypeReference<Map<String, List<String>>>() {});

    private final Map<String, Instant> instants = new HashMap<>();

    /** Reads the line item object the parser stands at the start of, up to and including its end. */
    AtlasLineItem read(JsonParser parser) {
        String clusterName = null;
        Instant created = null;
        Instant startDate = null;
        Instant endDate = null;
        String groupId = null;
        String groupName = null;
        String sku = null;
        String unit = null;
        BigDecimal quantity = null;
        BigDecimal unitPriceDollars = null;
        Long totalPriceCents = null;
        Long discountCents = null;
        BigDecimal percentDiscount = null;
        BigDecimal tierLowerBound = null;
        BigDecimal tierUpperBound = null;
        String note = null;
        String stitchAppName = null;
        String cloudProvider = null;
        Map<String, List<String>> tags = null;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "clusterName" -> clusterName = text(parser, value);
                case "created" -> created = instant(parser, value);
                case "startDate" -> startDate = instant(parser, value);
                case "endDate" -> endDate = instant(parser, value);
                case "groupId" -> groupId = text(parser, value);
                case "groupName" -> groupName = text(parser, value);
                case "sku" -> sku = text(parser, value);
                case "unit" -> unit = text(parser, value);
                case "quantity" -> quantity = decimal(parser, value);
                case "unitPriceDollars" -> unitPriceDollars = decimal(parser, value);
                case "totalPriceCents" -> totalPriceCents = whole(parser, value);
                case "discountCents" -> discountCents = whole(parser, value);
                case "percentDiscount" -> percentDiscount = decimal(parser, value);
                case "tierLowerBound" -> tierLowerBound = decimal(parser, value);
                case "tierUpperBound" -> tierUpperBound = decimal(parser, value);
                case "note" -> note = text(parser, value);
                case "stitchAppName" -> stitchAppName = text(parser, value);
                case "cloudProvider" -> cloudProvider = text(parser, value);
                case "tags" -> tags = tags(parser, value);
                default -> parser.skipChildren();
            }
        }
        if (parser.currentToken() != JsonToken.END_OBJECT) {
            throw new IllegalStateException("expected END_OBJECT but found " + parser.currentToken());
        }
        return new AtlasLineItem(
                clusterName,
                created,
                startDate,
                endDate,
                groupId,
                groupName,
                sku,
                unit,
                quantity,
                unitPriceDollars,
                totalPriceCents,
                discountCents,
                percentDiscount,
                tierLowerBound,
                tierUpperBound,
                note,
                stitchAppName,
                cloudProvider,
                tags);
    }

    private static @Nullable String text(JsonParser parser, JsonToken value) {
        return switch (value) {
            case VALUE_STRING -> parser.getString();
            case VALUE_NULL -> null;
            default -> STRING.readValue(parser);
        };
    }

    private static @Nullable BigDecimal decimal(JsonParser parser, JsonToken value) {
        return switch (value) {
            case VALUE_NUMBER_FLOAT, VALUE_NUMBER_INT -> parser.getDecimalValue();
            case VALUE_NULL -> null;
            default -> DECIMAL.readValue(parser);
        };
    }

    private static @Nullable Long whole(JsonParser parser, JsonToken value) {
        return switch (value) {
            case VALUE_NUMBER_INT -> parser.getLongValue();
            case VALUE_NULL -> null;
            default -> LONG.readValue(parser);
        };
    }

    private @Nullable Instant instant(JsonParser parser, JsonToken value) {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            return INSTANT.readValue(parser);
        }
        String text = parser.getString();
        Instant known = instants.get(text);
        if (known != null) {
            return known;
        }
        Instant parsed = INSTANT.readValue(parser);
        if (parsed != null && instants.size() < MAX_REMEMBERED) {
            instants.put(text, parsed);
        }
        return parsed;
    }

    /** A key's values in upstream order; keys in upstream order too. */
    private static @Nullable Map<String, List<String>> tags(JsonParser parser, JsonToken value) {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.START_OBJECT) {
            return TAGS.readValue(parser);
        }
        Map<String, List<String>> tags = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String key = parser.currentName();
            JsonToken values = parser.nextToken();
            tags.put(key, values == JsonToken.START_ARRAY ? tagValues(parser) : TAG_VALUES.readValue(parser));
        }
        return tags;
    }

    private static List<String> tagValues(JsonParser parser) {
        List<String> values = new ArrayList<>();
        for (JsonToken value = parser.nextToken(); value != JsonToken.END_ARRAY; value = parser.nextToken()) {
            if (value == null) {
                throw new IllegalStateException("unexpected end of input");
            }
            values.add(text(parser, value));
        }
        return values;
    }
}
