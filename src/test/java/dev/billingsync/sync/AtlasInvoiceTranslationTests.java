package dev.billingsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billingsync.atlas.AtlasInvoice;
import dev.billingsync.atlas.AtlasInvoiceSummary;
import dev.billingsync.atlas.AtlasLineItem;
import dev.billingsync.invoices.InvoiceAmounts;
import dev.billingsync.invoices.InvoiceLineItem;
import dev.billingsync.invoices.InvoicePayment;
import dev.billingsync.invoices.InvoiceRefund;
import dev.billingsync.invoices.UpstreamInvoice;
import dev.billingsync.invoices.UpstreamLineItem;
import dev.billingsync.invoices.UpstreamLineItem.Tag;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Atlas billing records to the rows the invoices module stores: every field as Atlas gave it, absent stays absent. */
class AtlasInvoiceTranslationTests {

    static final String ORG = "5f0c1a2b3c4d5e6f7a8b9c01";
    static final String INVOICE = "65a1b2c3d4e5f6a7b8c9d0e1";
    /** Reads decimals as the Atlas reader does: as written, never through {@code double}. */
    static final JsonMapper json = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    static final String FULL_INVOICE = """
            {
              "id": "65a1b2c3d4e5f6a7b8c9d0e1",
              "orgId": "5f0c1a2b3c4d5e6f7a8b9c01",
              "statusName": "PENDING",
              "startDate": "2026-11-01T00:00:00Z",
              "endDate": "2026-12-01T00:00:00Z",
              "created": "2026-11-01T00:05:00Z",
              "updated": "2026-11-02T04:10:00Z",
              "amountBilledCents": 1214,
              "amountPaidCents": 0,
              "creditsCents": -50,
              "salesTaxCents": 7,
              "startingBalanceCents": 3,
              "subtotalCents": 1214,
              "payments": [
                {"id": "65a1b2c3d4e5f6a7b8c9d0f0", "statusName": "NEW", "created": "2026-11-02T04:10:00Z",
                 "updated": "2026-11-02T04:11:00Z", "currency": "USD", "amountBilledCents": 1214,
                 "amountPaidCents": 0, "salesTaxCents": 7, "subtotalCents": 1207, "unitPrice": "1.0000"}
              ],
              "refunds": [
                {"amountCents": 100, "created": "2026-11-03T00:00:00Z", "paymentId": "65a1b2c3d4e5f6a7b8c9d0f0",
                 "reason": "goodwill"}
              ],
              "linkedInvoices": [
                {"id": "65a1b2c3d4e5f6a7b8c9d0e2", "orgId": "5f0c1a2b3c4d5e6f7a8b9c09", "statusName": "PENDING",
                 "startDate": "2026-11-01T00:00:00Z", "amountBilledCents": 500,
                 "lineItems": [{"sku": "ATLAS_AWS_INSTANCE_M10", "quantity": 1.50, "totalPriceCents": 500}]}
              ],
              "unknownTopLevel": "kept in raw"
            }
            """;

    @Test
    void translatesEveryHeaderFieldPaymentAndRefund() {
        UpstreamInvoice invoice = AtlasInvoiceTranslation.invoice(ORG, summary(FULL_INVOICE, 2, "c0ffee"));

        assertThat(invoice.id()).isEqualTo(INVOICE);
        assertThat(invoice.orgId()).isEqualTo(ORG);
        assertThat(invoice.header().statusName()).isEqualTo("PENDING");
        assertThat(invoice.header().startDate()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(invoice.header().endDate()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(invoice.header().created()).isEqualTo(Instant.parse("2026-11-01T00:05:00Z"));
        assertThat(invoice.header().updated()).isEqualTo(Instant.parse("2026-11-02T04:10:00Z"));
        assertThat(invoice.header().amounts()).isEqualTo(new InvoiceAmounts(1214L, 0L, -50L, 7L, 3L, 1214L));
        assertThat(invoice.payments())
                .containsExactly(new InvoicePayment(
                        "65a1b2c3d4e5f6a7b8c9d0f0",
                        "NEW",
                        Instant.parse("2026-11-02T04:10:00Z"),
                        Instant.parse("2026-11-02T04:11:00Z"),
                        "USD",
                        1214L,
                        0L,
                        7L,
                        1207L,
                        "1.0000"));
        assertThat(invoice.refunds())
                .containsExactly(new InvoiceRefund(
                        100L, Instant.parse("2026-11-03T00:00:00Z"), "65a1b2c3d4e5f6a7b8c9d0f0", "goodwill"));
    }

    @Test
    void carriesTheReadersCountHashAndRawObject() {
        AtlasInvoiceSummary summary = summary(FULL_INVOICE, 2, "c0ffee");

        UpstreamInvoice invoice = AtlasInvoiceTranslation.invoice(ORG, summary);

        assertThat(invoice.lineItemCount()).isEqualTo(2);
        assertThat(invoice.contentSha256()).isEqualTo("c0ffee");
        assertThat(json.readTree(invoice.rawJson())).isEqualTo(summary.raw());
        assertThat(json.readTree(invoice.rawJson()).get("unknownTopLevel").asString())
                .isEqualTo("kept in raw");
    }

    @Test
    void refersToLinkedInvoicesWhichAreTheirOwnOrgsInvoices() {
        AtlasInvoiceSummary summary = summary(FULL_INVOICE, 2, "c0ffee");

        UpstreamInvoice invoice = AtlasInvoiceTranslation.invoice(ORG, summary);
        UpstreamInvoice linked = AtlasInvoiceTranslation.linkedInvoice(
                INVOICE, summary.linkedInvoices().get(0));

        assertThat(invoice.linkedInvoiceIds()).containsExactly("65a1b2c3d4e5f6a7b8c9d0e2");
        assertThat(json.readTree(invoice.rawJson()).has("linkedInvoices")).isFalse();
        assertThat(linked.id()).isEqualTo("65a1b2c3d4e5f6a7b8c9d0e2");
        assertThat(linked.orgId()).isEqualTo("5f0c1a2b3c4d5e6f7a8b9c09");
        assertThat(linked.header().statusName()).isEqualTo("PENDING");
        assertThat(linked.header().startDate()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(linked.header().endDate()).isNull();
        assertThat(linked.header().amounts()).isEqualTo(new InvoiceAmounts(500L, null, null, null, null, null));
        assertThat(linked.lineItemCount()).isEqualTo(1);
        assertThat(linked.linkedInvoiceIds()).isEmpty();
    }

    @Test
    void rejectsALinkedInvoiceThatDoesNotNameItsOwnOrg() {
        for (String header : List.of(
                "{\"id\": \"65a1b2c3d4e5f6a7b8c9d0e2\"}",
                "{\"id\": \"65a1b2c3d4e5f6a7b8c9d0e2\", \"orgId\": \"../other\"}",
                "{\"orgId\": \"5f0c1a2b3c4d5e6f7a8b9c09\"}")) {
            AtlasInvoiceSummary linked = summary(header, 0, "c0ffee");
            assertThatThrownBy(() -> AtlasInvoiceTranslation.linkedInvoice(INVOICE, linked))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(INVOICE)
                    .hasMessageNotContaining("../other");
        }
    }

    @Test
    void storesAnInvoiceWithoutOrgIdUnderTheOrgItWasReadFrom() {
        UpstreamInvoice invoice =
                AtlasInvoiceTranslation.invoice(ORG, summary("{\"id\": \"" + INVOICE + "\"}", 0, "c0ffee"));

        assertThat(invoice.orgId()).isEqualTo(ORG);
    }

    @Test
    void keepsAbsentFieldsAbsent() {
        UpstreamInvoice invoice =
                AtlasInvoiceTranslation.invoice(ORG, summary("{\"id\": \"" + INVOICE + "\"}", 0, "c0ffee"));

        assertThat(invoice.header().statusName()).isNull();
        assertThat(invoice.header().startDate()).isNull();
        assertThat(invoice.header().updated()).isNull();
        assertThat(invoice.header().amounts()).isEqualTo(new InvoiceAmounts(null, null, null, null, null, null));
        assertThat(invoice.payments()).isEmpty();
        assertThat(invoice.refunds()).isEmpty();
        assertThat(invoice.linkedInvoiceIds()).isEmpty();
    }

    @Test
    void rejectsAnInvoiceWithoutAValidId() {
        for (String header : List.of("{}", "{\"id\": \"65A1B2C3D4E5F6A7B8C9D0E1\"}", "{\"id\": \"65a1b2c3\"}")) {
            AtlasInvoiceSummary summary = summary(header, 0, "c0ffee");
            assertThatThrownBy(() -> AtlasInvoiceTranslation.invoice(ORG, summary))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(ORG);
        }
    }

    @Test
    void rejectsAnInvalidOrgId() {
        AtlasInvoiceSummary summary = summary("{\"id\": \"" + INVOICE + "\", \"orgId\": \"../other\"}", 0, "c0ffee");

        assertThatThrownBy(() -> AtlasInvoiceTranslation.invoice(ORG, summary))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(INVOICE)
                .hasMessageNotContaining("../other");
    }

    @Test
    void translatesEveryLineItemFieldAtItsPosition() {
        AtlasLineItem item = json.readValue("""
                {"clusterName": "orders-prod", "created": "2026-11-02T04:10:00.120Z",
                 "startDate": "2026-11-01T00:00:00Z", "endDate": "2026-11-02T00:00:00Z",
                 "groupId": "6a1b2c3d4e5f6a7b8c9d0e1f", "groupName": "orders", "sku": "ATLAS_AWS_INSTANCE_M30",
                 "unit": "server hours", "quantity": 13.000042, "unitPriceDollars": 0.50, "totalPriceCents": 1200,
                 "discountCents": -2, "percentDiscount": 10.0, "tierLowerBound": 0, "tierUpperBound": 1000.5,
                 "note": "a note", "stitchAppName": "app", "cloudProvider": "AWS"}
                """, AtlasLineItem.class);

        assertThat(AtlasInvoiceTranslation.lineItem(7, item))
                .isEqualTo(new UpstreamLineItem(
                        7,
                        new InvoiceLineItem(
                                "orders-prod",
                                Instant.parse("2026-11-02T04:10:00.120Z"),
                                Instant.parse("2026-11-01T00:00:00Z"),
                                Instant.parse("2026-11-02T00:00:00Z"),
                                "6a1b2c3d4e5f6a7b8c9d0e1f",
                                "orders",
                                "ATLAS_AWS_INSTANCE_M30",
                                "server hours",
                                new BigDecimal("13.000042"),
                                new BigDecimal("0.50"),
                                1200L,
                                -2L,
                                new BigDecimal("10.0"),
                                new BigDecimal("0"),
                                new BigDecimal("1000.5"),
                                "a note",
                                "app",
                                "AWS",
                                null)));
    }

    @Test
    void flattensTagsInKeyAndValueOrderKeepingAKeyWithoutValues() {
        AtlasLineItem item = json.readValue(
                "{\"tags\": {\"team\": [\"billing\", \"finance\"], \"empty\": [], \"env\": [\"prod\"]}}",
                AtlasLineItem.class);

        assertThat(AtlasInvoiceTranslation.lineItem(0, item).tagRows())
                .containsExactly(
                        new Tag(0, 0, "team", "billing"),
                        new Tag(0, 1, "team", "finance"),
                        new Tag(1, 0, "empty", null),
                        new Tag(2, 0, "env", "prod"));
    }

    @Test
    void keepsAbsentTagsApartFromNoTags() {
        AtlasLineItem untagged = json.readValue("{}", AtlasLineItem.class);
        AtlasLineItem noTags = json.readValue("{\"tags\": {}}", AtlasLineItem.class);

        assertThat(AtlasInvoiceTranslation.lineItem(0, untagged).tagRows()).isNull();
        assertThat(AtlasInvoiceTranslation.lineItem(0, noTags).tagRows()).isEmpty();
    }

    /**
     * What the reader's first pass hands over: the header, the raw object without line items and linked invoices, and
     * each linked invoice summarized the same way.
     */
    private static AtlasInvoiceSummary summary(String invoiceJson, int lineItemCount, String sha256) {
        return summary((ObjectNode) json.readTree(invoiceJson), lineItemCount, sha256);
    }

    private static AtlasInvoiceSummary summary(ObjectNode raw, int lineItemCount, String sha256) {
        List<AtlasInvoiceSummary> linked = new ArrayList<>();
        JsonNode linkedNodes = raw.path("linkedInvoices");
        for (int i = 0; i < linkedNodes.size(); i++) {
            ObjectNode node = ((ObjectNode) linkedNodes.get(i)).deepCopy();
            int lines = node.path("lineItems").size();
            node.remove("lineItems");
            linked.add(summary(node, lines, sha256 + i));
        }
        raw.remove("linkedInvoices");
        return new AtlasInvoiceSummary(
                json.treeToValue(raw, AtlasInvoice.class), List.copyOf(linked), raw, lineItemCount, sha256);
    }
}
