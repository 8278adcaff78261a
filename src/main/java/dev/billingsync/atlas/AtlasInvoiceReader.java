package dev.billingsync.atlas;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads spooled Atlas invoice payloads as a stream, in two passes, so that an invoice of 10^5 line items never sits
 * in memory whole: {@link #summarize} hashes every invoice and keeps only its header and where its line items start,
 * {@link #forEachLineItem} binds the line items of one invoice one at a time from there ({@link LineItemBinder}).
 * Numbers keep every digit they arrived with; unknown fields are ignored by the records (and kept in the summary's raw
 * header).
 */
final class AtlasInvoiceReader {

    /** What a payload holds: the paginated wrapper of {@code /invoices/pending}, or one invoice. */
    enum Shape {
        PAGE,
        INVOICE
    }

    private final JsonMapper mapper = AtlasJson.MAPPER;

    /** A page of the invoice list: metadata only, a few hundred small objects at most, so bound whole. */
    AtlasInvoiceList readList(AtlasPayload payload) {
        try (InputStream in = Files.newInputStream(payload.file())) {
            return mapper.readValue(in, AtlasInvoiceList.class);
        } catch (IOException | JacksonException e) {
            throw AtlasApiException.malformed("Invoice list", e);
        }
    }

    /**
     * The invoices of a payload in upstream order, and for each of them, nested linked invoices included, the byte
     * offset of its {@code lineItems} array in the payload ({@link #NO_LINE_ITEMS} if it has none). Keyed by identity:
     * two invoices of one payload can be equal.
     */
    record Summaries(List<AtlasInvoiceSummary> invoices, Map<AtlasInvoiceSummary, Long> lineItemsAt) {}

    static final long NO_LINE_ITEMS = -1;

    /** The invoices of the payload in upstream order, and where their line items start. */
    Summaries summarize(AtlasPayload payload, Shape shape) {
        try (InputStream in = Files.newInputStream(payload.file());
                JsonParser parser = mapper.createParser(in)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT);
            List<AtlasInvoiceSummary> summaries = new ArrayList<>();
            Map<AtlasInvoiceSummary, Long> lineItemsAt = new IdentityHashMap<>();
            if (shape == Shape.INVOICE) {
                summaries.add(summarizeInvoice(parser, false, lineItemsAt));
            } else if (moveToResults(parser)) {
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    summaries.add(summarizeInvoice(parser, false, lineItemsAt));
                }
            }
            return new Summaries(List.copyOf(summaries), Collections.unmodifiableMap(lineItemsAt));
        } catch (IOException | JacksonException | IllegalStateException e) {
            throw AtlasApiException.malformed("Invoice payload", e);
        }
    }

    /**
     * Streams the line items of the {@code lineItems} array at byte offset {@code lineItemsAt} of the payload (found by
     * {@link #summarize}, which also read the whole payload as valid JSON): reading starts there, so no other invoice's
     * line items are read again.
     */
    void forEachLineItem(AtlasPayload payload, long lineItemsAt, AtlasInvoiceDownload.LineItemConsumer consumer) {
        if (lineItemsAt == NO_LINE_ITEMS) {
            return;
        }
        try (InputStream in = Files.newInputStream(payload.file())) {
            in.skipNBytes(lineItemsAt);
            try (JsonParser parser = mapper.createParser(in)) {
                expect(parser.nextToken(), JsonToken.START_ARRAY);
                LineItemBinder items = new LineItemBinder();
                int position = 0;
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    consumer.accept(position++, items.read(parser));
                }
                expect(parser.currentToken(), JsonToken.END_ARRAY);
            }
        } catch (IOException | JacksonException | IllegalStateException e) {
            throw AtlasApiException.malformed("Invoice payload", e);
        }
    }

    /** Inside an object, advances to the start of its array property {@code name}; false if it has none. */
    private static boolean moveToArray(JsonParser parser, String name) {
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String property = parser.currentName();
            JsonToken value = parser.nextToken();
            if (name.equals(property) && value == JsonToken.START_ARRAY) {
                return true;
            }
            parser.skipChildren();
        }
        return false;
    }

    /** Advances to the start of the root's {@code results} array; false if there is none. */
    private static boolean moveToResults(JsonParser parser) {
        return moveToArray(parser, "results");
    }

    /**
     * Summarizes the invoice object the parser stands at the start of. The invoices of linked orgs that a paying
     * org's invoice nests in {@code linkedInvoices} are summarized on their own, one at a time (never as one tree,
     * since they carry line items too), and the paying invoice's hash takes in each of their hashes.
     */
    private AtlasInvoiceSummary summarizeInvoice(
            JsonParser parser, boolean nested, Map<AtlasInvoiceSummary, Long> lineItemsAt) {
        MessageDigest digest = sha256();
        TokenHasher hasher = new TokenHasher(digest);
        ObjectNode raw = mapper.createObjectNode();
        List<AtlasInvoiceSummary> linked = new ArrayList<>();
        int lineItems = 0;
        long at = NO_LINE_ITEMS;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            hasher.text(name);
            JsonToken value = parser.nextToken();
            if ("lineItems".equals(name) && value == JsonToken.START_ARRAY) {
                at = parser.currentTokenLocation().getByteOffset();
                if (at < 0) {
                    // only a byte-oriented (UTF-8) parser knows offsets; RFC 8259 asks JSON between systems to be UTF-8
                    throw new IllegalStateException("not UTF-8");
                }
                lineItems = hasher.array(parser);
            } else if (!nested && "linkedInvoices".equals(name) && value == JsonToken.START_ARRAY) {
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    AtlasInvoiceSummary invoice = summarizeInvoice(parser, true, lineItemsAt);
                    hasher.text(invoice.contentSha256());
                    linked.add(invoice);
                }
                expect(parser.currentToken(), JsonToken.END_ARRAY);
            } else {
                JsonNode node = mapper.readTree(parser);
                hasher.bytes(mapper.writeValueAsBytes(node));
                raw.set(name, node);
            }
        }
        expect(parser.currentToken(), JsonToken.END_OBJECT);
        hasher.flush();
        AtlasInvoice header = mapper.treeToValue(raw, AtlasInvoice.class);
        AtlasInvoiceSummary summary = new AtlasInvoiceSummary(
                header, List.copyOf(linked), raw, lineItems, HexFormat.of().formatHex(digest.digest()));
        lineItemsAt.put(summary, at);
        return summary;
    }

    private static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new IllegalStateException("expected " + expected + " but found " + actual);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
