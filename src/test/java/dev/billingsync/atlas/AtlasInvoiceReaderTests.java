package dev.billingsync.atlas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billingsync.atlas.AtlasInvoiceReader.Shape;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtlasInvoiceReaderTests {

    final AtlasInvoiceReader reader = new AtlasInvoiceReader();

    @TempDir
    Path dir;

    @Test
    void summarizesHeaderLinkedInvoicesAndLineCountWhateverTheFieldOrder() throws IOException {
        AtlasInvoiceSummary summary =
                reader.summarize(fixture(), Shape.PAGE).invoices().get(0);

        AtlasInvoice header = summary.header();
        assertThat(header.id()).isEqualTo("65a1b2c3d4e5f6a7b8c9d0e1");
        assertThat(header.statusName()).isEqualTo("PENDING");
        assertThat(header.startDate()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(header.amountBilledCents()).isEqualTo(1214L);
        assertThat(header.startingBalanceCents()).as("absent stays absent").isNull();
        assertThat(header.payments())
                .singleElement()
                .satisfies(p -> assertThat(p.unitPrice()).isEqualTo("1.0000"));
        assertThat(header.refunds())
                .singleElement()
                .satisfies(r -> assertThat(r.amountCents()).isEqualTo(100L));
        assertThat(summary.lineItemCount()).isEqualTo(2);
        assertThat(summary.raw().has("lineItems")).isFalse();
        assertThat(summary.raw().get("unknownTopLevel").asString()).isEqualTo("ignored by the records, kept in raw");
        assertThat(summary.raw().has("linkedInvoices")).isFalse();
        assertThat(summary.linkedInvoices()).singleElement().satisfies(l -> {
            assertThat(l.header().orgId()).isEqualTo("5f0c1a2b3c4d5e6f7a8b9c09");
            assertThat(l.raw().has("lineItems")).isFalse();
            assertThat(l.linkedInvoices()).isEmpty();
            assertThat(l.lineItemCount()).isEqualTo(1);
            assertThat(l.contentSha256()).hasSize(64).isNotEqualTo(summary.contentSha256());
        });
    }

    @Test
    void streamsLineItemsWithExactDecimalsTagsInOrderAndAbsentFieldsNull() throws IOException {
        List<AtlasLineItem> items = new ArrayList<>();
        forEachLineItem(fixture(), Shape.PAGE, 0, -1, (position, item) -> {
            assertThat(position).isEqualTo(items.size());
            items.add(item);
        });

        assertThat(items).hasSize(2);
        AtlasLineItem first = items.get(0);
        assertThat(first.unitPriceDollars()).isEqualTo(new BigDecimal("0.50"));
        assertThat(first.quantity()).isEqualTo(new BigDecimal("24"));
        assertThat(first.discountCents()).isNull();
        assertThat(first.tags())
                .containsExactly(
                        Map.entry("env", List.of("prod")),
                        Map.entry("team", List.of("billing", "finance")),
                        Map.entry("empty", List.of()));
        AtlasLineItem second = items.get(1);
        assertThat(second.quantity()).isEqualTo(new BigDecimal("13.000042"));
        assertThat(second.unitPriceDollars()).isEqualTo(new BigDecimal("0.0125"));
        assertThat(second.percentDiscount()).isEqualTo(new BigDecimal("10.0"));
        assertThat(second.tierUpperBound()).isEqualTo(new BigDecimal("1000.5"));
        assertThat(second.created()).isEqualTo(Instant.parse("2026-11-02T04:10:00.120Z"));
        assertThat(second.tags()).isNull();
        assertThat(second.clusterName()).isNull();
    }

    @Test
    void hashIgnoresWhitespaceButSeesEveryValue() throws IOException {
        String json = Files.readString(fixture().file());
        String compact = json.replaceAll("\\n\\s*", "");
        String changed = json.replace("\"quantity\": 13.000042", "\"quantity\": 13.000043");
        String rescaled = json.replace("\"unitPriceDollars\": 0.50", "\"unitPriceDollars\": 0.5");

        String original = hash(json);
        assertThat(hash(compact)).isEqualTo(original);
        assertThat(hash(changed)).isNotEqualTo(original);
        assertThat(hash(rescaled))
                .as("0.50 and 0.5 are different upstream texts")
                .isNotEqualTo(original);
    }

    @Test
    void hashStaysTheSameAcrossVersions() throws IOException {
        // Stored invoices keep their content hash only if the reader computes it the same way: pinned values. The
        // fixture nests a linked invoice, whose own hash stands in for it since linked invoices are stored on their own
        // (an invoice with linked invoices stored before that is rewritten once).
        assertThat(hash(Files.readString(fixture().file())))
                .isEqualTo("7357b117ff30fee254a8d18a307ff10b0f1c427a8e3a7322870c4ff0390958ab");
        assertThat(hash(largeInvoice())).isEqualTo("a15c685b3a030a017ffc79396eef9d0e20974484d6e5c1ecf6300aff32e2d793");
    }

    @Test
    void streamsTheLineItemsOfALinkedInvoiceOnTheirOwn() throws IOException {
        List<AtlasLineItem> items = new ArrayList<>();
        forEachLineItem(fixture(), Shape.PAGE, 0, 0, (position, item) -> items.add(item));

        assertThat(items).singleElement().satisfies(item -> {
            assertThat(item.sku()).isEqualTo("ATLAS_AWS_INSTANCE_M10");
            assertThat(item.quantity()).isEqualTo(new BigDecimal("1.50"));
        });
    }

    @Test
    void aLinkedInvoiceHashesAsItsOwnOrgServesItAndItsPayingInvoiceSeesItsChanges() throws IOException {
        String json = Files.readString(fixture().file());
        int start = json.indexOf("{\"id\": \"65a1b2c3d4e5f6a7b8c9d0e2\"");
        String linked = json.substring(start, json.indexOf("]}", start) + 2);
        String linkedChanged = json.replace("\"quantity\": 1.50", "\"quantity\": 1.51");

        AtlasInvoiceSummary nested = reader.summarize(fixture(), Shape.PAGE)
                .invoices()
                .get(0)
                .linkedInvoices()
                .get(0);
        AtlasInvoiceSummary own =
                reader.summarize(payload(linked), Shape.INVOICE).invoices().get(0);
        assertThat(nested.contentSha256()).isEqualTo(own.contentSha256());
        assertThat(nested.lineItemCount()).isEqualTo(own.lineItemCount()).isEqualTo(1);
        assertThat(hash(linkedChanged)).isNotEqualTo(hash(json));
    }

    @Test
    void datesRepeatedAcrossLineItemsBindLikeTheirText() throws IOException {
        List<Instant> created = new ArrayList<>();
        forEachLineItem(payload(largeInvoice()), Shape.PAGE, 0, -1, (position, item) -> created.add(item.created()));
        assertThat(created).hasSize(2_000);
        for (int i = 0; i < created.size(); i++) {
            assertThat(created.get(i)).isEqualTo(Instant.parse("2026-11-0" + (1 + i % 7) + "T0" + (i % 3) + ":00:00Z"));
        }
    }

    /**
     * Streams the line items of the invoice at {@code index} of the payload or, when {@code linkedIndex} is not
     * negative, of the linked invoice at that position in its {@code linkedInvoices}, from where the summary found them.
     */
    private void forEachLineItem(
            AtlasPayload payload,
            Shape shape,
            int index,
            int linkedIndex,
            AtlasInvoiceDownload.LineItemConsumer consumer) {
        AtlasInvoiceReader.Summaries summaries = reader.summarize(payload, shape);
        AtlasInvoiceSummary invoice = summaries.invoices().get(index);
        if (linkedIndex >= 0) {
            invoice = invoice.linkedInvoices().get(linkedIndex);
        }
        reader.forEachLineItem(payload, summaries.lineItemsAt().get(invoice), consumer);
    }

    /** 2,000 line items and a 40,000-character note: longer than any internal buffer. */
    private static String largeInvoice() {
        StringBuilder json =
                new StringBuilder("{\"results\": [{\"id\": \"65a1b2c3d4e5f6a7b8c9d0e1\", \"lineItems\": [");
        for (int i = 0; i < 2_000; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"created\": \"2026-11-0")
                    .append(1 + i % 7)
                    .append("T0")
                    .append(i % 3)
                    .append(":00:00Z\", \"quantity\": ")
                    .append(i)
                    .append(".5, \"totalPriceCents\": ")
                    .append(-i)
                    .append(", \"sku\": \"SKU_\u00e9_")
                    .append(i % 11)
                    .append("\", \"tags\": {\"k\": [\"v")
                    .append(i)
                    .append("\"]}");
            if (i == 1_000) {
                json.append(", \"note\": \"").append("x".repeat(40_000)).append('"');
            }
            json.append('}');
        }
        return json.append("], \"statusName\": \"PENDING\", \"amountBilledCents\": 12}]}")
                .toString();
    }

    @Test
    void eachInvoiceStreamsItsOwnLineItemsWhateverCharactersComeBeforeThem() throws IOException {
        // Line items are read from a byte offset found by the summary: multi-byte characters before them (2, 3 and 4
        // bytes in UTF-8) must not shift it.
        String json = "{\"results\": ["
                + "{\"id\": \"65a1b2c3d4e5f6a7b8c9d0e1\", \"note\": \"\u00e9 \u20ac \uD83D\uDCB6\","
                + " \"lineItems\": [{\"sku\": \"FIRST_\u20ac\"}]},"
                + "{\"id\": \"65a1b2c3d4e5f6a7b8c9d0e3\", \"lineItems\": [{\"sku\": \"SECOND_A\"}, {\"sku\": \"SECOND_B\"}]},"
                + "{\"id\": \"65a1b2c3d4e5f6a7b8c9d0e4\"}]}";
        AtlasPayload payload = payload(json);
        List<List<String>> expected = List.of(List.of("FIRST_\u20ac"), List.of("SECOND_A", "SECOND_B"), List.of());
        for (int index = 0; index < expected.size(); index++) {
            List<String> skus = new ArrayList<>();
            forEachLineItem(payload, Shape.PAGE, index, -1, (position, item) -> skus.add(item.sku()));
            assertThat(skus).as("invoice %d", index).isEqualTo(expected.get(index));
        }
    }

    @Test
    void aBodyNotInUtf8IsMalformed() throws IOException {
        // RFC 8259: JSON exchanged between systems is UTF-8; Atlas sends nothing else.
        Path file = Files.createTempFile(dir, "payload", ".json");
        Files.writeString(file, Files.readString(fixture().file()), StandardCharsets.UTF_16BE);
        AtlasPayload utf16 = new AtlasPayload(file, "0".repeat(64), Files.size(file));

        assertThatThrownBy(() -> reader.summarize(utf16, Shape.PAGE))
                .isInstanceOfSatisfying(
                        AtlasApiException.class, e -> assertThat(e.errorCode()).isEqualTo("MALFORMED_RESPONSE"));
    }

    @Test
    void readsASingleInvoice() throws IOException {
        String json = Files.readString(fixture().file());
        String invoice = json.substring(json.indexOf("\"results\": [") + 12, json.lastIndexOf(']'));
        AtlasPayload payload = payload(invoice);

        assertThat(reader.summarize(payload, Shape.INVOICE).invoices())
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.header().id()).isEqualTo("65a1b2c3d4e5f6a7b8c9d0e1");
                    assertThat(s.lineItemCount()).isEqualTo(2);
                });
        List<String> skus = new ArrayList<>();
        forEachLineItem(payload, Shape.INVOICE, 0, -1, (position, item) -> skus.add(item.sku()));
        assertThat(skus).containsExactly("ATLAS_AWS_INSTANCE_M30", "ATLAS_AWS_DATA_TRANSFER_SAME_REGION");
    }

    @Test
    void reportsMalformedAndTruncatedBodiesAsMalformedResponses() throws IOException {
        String json = Files.readString(fixture().file());
        for (String broken : List.of(json.substring(0, json.length() / 2), "{\"results\": [ {\"id\": }", "<html>")) {
            AtlasPayload payload = payload(broken);
            assertThatThrownBy(() -> reader.summarize(payload, Shape.PAGE))
                    .isInstanceOfSatisfying(
                            AtlasApiException.class,
                            e -> assertThat(e.errorCode()).isEqualTo("MALFORMED_RESPONSE"));
        }
    }

    private String hash(String json) throws IOException {
        return reader.summarize(payload(json), Shape.PAGE).invoices().get(0).contentSha256();
    }

    private AtlasPayload fixture() throws IOException {
        try (var in = getClass().getResourceAsStream("/atlas/pending-invoices.json")) {
            return payload(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private AtlasPayload payload(String json) throws IOException {
        Path file = Files.createTempFile(dir, "payload", ".json");
        Files.writeString(file, json);
        return new AtlasPayload(file, "unused", json.length());
    }
}
