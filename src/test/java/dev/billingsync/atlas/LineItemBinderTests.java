package dev.billingsync.atlas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.simulator.AtlasSimulator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.ObjectReader;

/** The hand-written line-item binding gives what Jackson's databind of {@link AtlasLineItem} gives, or fails too. */
class LineItemBinderTests {

    static final ObjectReader DATABIND = AtlasJson.MAPPER.readerFor(AtlasLineItem.class);

    static final String FULL = """
            {"clusterName": "c0", "created": "2026-11-02T04:10:00.120Z", "startDate": "2026-11-02T00:00:00Z",
             "endDate": "2026-11-03T00:00:00Z", "groupId": "5f0c1a2b3c4d5e6f7a8b9c01", "groupName": "prod",
             "sku": "ATLAS_AWS_INSTANCE_M10", "unit": "server hours", "quantity": 13.000042,
             "unitPriceDollars": 0.0125, "totalPriceCents": 16, "discountCents": 2, "percentDiscount": 10.0,
             "tierLowerBound": 0, "tierUpperBound": 1000.5, "note": "n", "stitchAppName": "app",
             "cloudProvider": "AWS", "tags": {"env": ["prod"], "team": ["billing", "finance"], "empty": []}}""";

    @Test
    void bindsEveryLineItemOfTheSimulatorLikeDatabind() {
        try (AtlasSimulator atlas = AtlasSimulator.start()) {
            atlas.addOrg("5f0c1a2b3c4d5e6f7a8b9c01", "Binder", 7, 400, 6);
            byte[] body = atlas.org("5f0c1a2b3c4d5e6f7a8b9c01").pendingInvoicesResponseBytes();

            List<AtlasLineItem> bound = everyLineItem(body, new LineItemBinder()::read);
            List<AtlasLineItem> databound = everyLineItem(body, DATABIND::readValue);

            assertThat(bound).hasSizeGreaterThanOrEqualTo(2_400).isEqualTo(databound);
            assertThat(bound).anySatisfy(item -> assertThat(item.tags()).isNotEmpty());
            assertThat(bound).anySatisfy(item -> assertThat(item.tags()).isNull());
        }
    }

    @Test
    void bindsOddShapesLikeDatabindOrFailsLikeIt() {
        List<String> cases = List.of(
                FULL,
                "{}",
                """
                {"clusterName": null, "created": null, "startDate": null, "endDate": null, "groupId": null,
                 "groupName": null, "sku": null, "unit": null, "quantity": null, "unitPriceDollars": null,
                 "totalPriceCents": null, "discountCents": null, "percentDiscount": null, "tierLowerBound": null,
                 "tierUpperBound": null, "note": null, "stitchAppName": null, "cloudProvider": null, "tags": null}""",
                """
                {"futureField": {"meterRevision": 2, "tags": {"sku": "x"}}, "other": [1, [2], {"sku": "y"}],
                 "sku": "real", "SKU": "case matters", "flag": true, "nothing": null}""",
                "{\"quantity\": 24, \"unitPriceDollars\": \"1.50\", \"percentDiscount\": 1e3, \"tierLowerBound\": -0.0}",
                "{\"quantity\": 123456789012345678901234567890.1234567890123, \"tierUpperBound\": 0.50}",
                "{\"quantity\": \"\", \"unitPriceDollars\": \" 2.5 \"}",
                "{\"totalPriceCents\": 12.7, \"discountCents\": \"12\"}",
                "{\"totalPriceCents\": 9007199254740993, \"discountCents\": -1}",
                "{\"totalPriceCents\": \"\"}",
                "{\"sku\": [\"in an array\"]}",
                "{\"quantity\": [1.5], \"created\": [\"2026-11-02T00:00:00Z\"], \"totalPriceCents\": []}",
                "{\"tags\": {\"a\": []}, \"sku\": []}",
                "{\"sku\": 42, \"unit\": true, \"note\": 1.50, \"groupName\": \"\"}",
                "{\"created\": 1700000000, \"startDate\": 1700000000.5, \"endDate\": \"2026-11-02T04:10:00+01:00\"}",
                "{\"created\": \"\", \"startDate\": \"2026-11-02T04:10:00.123456789Z\"}",
                "{\"tags\": {}}",
                "{\"tags\": {\"a\": null, \"b\": [null, \"x\"], \"c\": [1, true, 2.50]}}",
                "{\"tags\": {\"a\": [\"1\"], \"a\": [\"2\"], \"b\": []}}",
                "{\"sku\": \"first\", \"sku\": \"second\", \"quantity\": 1, \"quantity\": 2.0}",
                FULL.replace("}}", "}, \"sku\": \"again\", \"tags\": null}"),
                "{\"note\": \"escaped \\\"quote\\\" \\u00e9 \\n line\", \"clusterName\": \"\\u0000\"}");
        for (String json : cases) {
            assertThat(outcome(() -> bindOne(json))).as(json).isEqualTo(outcome(() -> DATABIND.readValue(json)));
        }
    }

    @Test
    void failsWhereDatabindFails() {
        List<String> cases = List.of(
                "{\"quantity\": \"abc\"}",
                "{\"quantity\": [1]}",
                "{\"totalPriceCents\": 99999999999999999999}",
                "{\"totalPriceCents\": \"x\"}",
                "{\"sku\": {\"nested\": 1}}",
                "{\"created\": \"nope\"}",
                "{\"created\": [\"2026-11-02T00:00:00Z\"]}",
                "{\"tags\": {\"a\": \"single\"}}",
                "{\"tags\": [\"a\"]}",
                "{\"tags\": \"a\"}",
                "{\"sku\": \"a\"");
        for (String json : cases) {
            assertThat(outcome(() -> DATABIND.readValue(json)))
                    .as("databind: " + json)
                    .isEqualTo(FAILED);
            assertThat(outcome(() -> bindOne(json))).as("binder: " + json).isEqualTo(FAILED);
        }
    }

    @Test
    void rejectsAnArrayNestedInATagsValues() {
        // Databind takes the nested array's end for the end of the values and then of the tags and of the line item,
        // so in a stream of line items it would drop the lines that follow; a body like that is malformed here.
        String json = "{\"tags\": {\"a\": [[\"nested\"]]}, \"sku\": \"x\"}";
        assertThat(outcome(() -> bindOne(json))).isEqualTo(FAILED);
    }

    @Test
    void leavesTheParserAtTheEndOfTheLineItemAndRemembersDatesAcrossLines() {
        String json = "[" + FULL + ", {\"unknown\": {\"a\": [1, {}]}, \"sku\": \"after\"}, " + FULL + "]";
        LineItemBinder binder = new LineItemBinder();
        try (JsonParser parser = AtlasJson.MAPPER.createParser(json)) {
            assertThat(parser.nextToken()).isEqualTo(JsonToken.START_ARRAY);
            List<AtlasLineItem> items = new ArrayList<>();
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                items.add(binder.read(parser));
                assertThat(parser.currentToken()).isEqualTo(JsonToken.END_OBJECT);
            }
            assertThat(parser.currentToken()).isEqualTo(JsonToken.END_ARRAY);
            assertThat(items)
                    .containsExactly(
                            DATABIND.readValue(FULL), DATABIND.readValue("{\"sku\": \"after\"}"), items.get(0));
            assertThat(items.get(2).created()).isSameAs(items.get(0).created());
        }
    }

    private static final Object FAILED = "failed";

    private static Object outcome(Supplier<AtlasLineItem> binding) {
        try {
            return binding.get();
        } catch (RuntimeException e) {
            return FAILED;
        }
    }

    private static AtlasLineItem bindOne(String json) {
        try (JsonParser parser = AtlasJson.MAPPER.createParser(json.getBytes(StandardCharsets.UTF_8))) {
            assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            AtlasLineItem item = new LineItemBinder().read(parser);
            assertThat(parser.nextToken()).isNull();
            return item;
        }
    }

    /** The elements of every {@code lineItems} array of the body, the linked invoices' included, in body order. */
    private static List<AtlasLineItem> everyLineItem(byte[] body, Function<JsonParser, AtlasLineItem> bind) {
        List<AtlasLineItem> items = new ArrayList<>();
        try (JsonParser parser = AtlasJson.MAPPER.createParser(body)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.PROPERTY_NAME
                        && "lineItems".equals(parser.currentName())
                        && parser.nextToken() == JsonToken.START_ARRAY) {
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        items.add(bind.apply(parser));
                    }
                }
            }
        }
        return items;
    }
}
