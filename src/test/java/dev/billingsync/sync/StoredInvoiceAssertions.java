package dev.billingsync.sync;

import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Compares what PostgreSQL holds for an invoice with the Atlas JSON it came from, field by field: cents to the cent,
 * decimals digit for digit (scale included), instants as instants, absent fields as nulls, tags and children in order.
 */
final class StoredInvoiceAssertions {

    static final JsonMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private static final List<String> INVOICE_TEXT = List.of("statusName:status_name");
    private static final List<String> INVOICE_INSTANTS =
            List.of("startDate:start_date", "endDate:end_date", "created:created", "updated:updated");
    private static final List<String> INVOICE_CENTS = List.of(
            "amountBilledCents:amount_billed_cents",
            "amountPaidCents:amount_paid_cents",
            "creditsCents:credits_cents",
            "salesTaxCents:sales_tax_cents",
            "startingBalanceCents:starting_balance_cents",
            "subtotalCents:subtotal_cents");

    private final JdbcClient jdbc;

    StoredInvoiceAssertions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Re-reads {@code json} through an exact mapper, so decimals keep their scale whatever parsed it first. */
    static JsonNode exact(JsonNode json) {
        return EXACT.readTree(json.toString());
    }

    void assertMatches(JsonNode atlasInvoice) {
        JsonNode invoice = exact(atlasInvoice);
        String id = invoice.get("id").asString();
        SoftAssertions soft = new SoftAssertions();
        Map<String, Object> row = jdbc.sql("select * from invoices where id = ?")
                .param(id)
                .query()
                .singleRow();
        compare(soft, "invoice " + id, invoice, row, INVOICE_TEXT, INVOICE_INSTANTS, INVOICE_CENTS, List.of());
        soft.assertThat(row.get("org_id"))
                .as("invoice %s orgId", id)
                .isEqualTo(invoice.get("orgId").asString());

        List<Map<String, Object>> lines = jdbc.sql("select * from line_items where invoice_id = ? order by position")
                .param(id)
                .query()
                .listOfRows();
        JsonNode jsonLines = invoice.path("lineItems");
        soft.assertThat(lines).as("invoice %s line item count", id).hasSize(jsonLines.size());
        soft.assertThat(row.get("line_item_count")).isEqualTo(jsonLines.size());
        Map<Integer, Map<String, List<String>>> tags = tagsOf(id);
        for (int i = 0; i < Math.min(lines.size(), jsonLines.size()); i++) {
            JsonNode line = jsonLines.get(i);
            Map<String, Object> lineRow = lines.get(i);
            String what = "invoice " + id + " line " + i;
            compare(
                    soft,
                    what,
                    line,
                    lineRow,
                    List.of(
                            "clusterName:cluster_name",
                            "groupId:group_id",
                            "groupName:group_name",
                            "sku:sku",
                            "unit:unit",
                            "note:note",
                            "stitchAppName:stitch_app_name",
                            "cloudProvider:cloud_provider"),
                    List.of("created:created", "startDate:start_date", "endDate:end_date"),
                    List.of("totalPriceCents:total_price_cents", "discountCents:discount_cents"),
                    List.of(
                            "quantity:quantity",
                            "unitPriceDollars:unit_price_dollars",
                            "percentDiscount:percent_discount",
                            "tierLowerBound:tier_lower_bound",
                            "tierUpperBound:tier_upper_bound"));
            JsonNode jsonTags = line.get("tags");
            soft.assertThat(lineRow.get("has_tags")).as("%s has tags", what).isEqualTo(jsonTags != null);
            if (jsonTags != null) {
                Map<String, List<String>> expected = new LinkedHashMap<>();
                jsonTags.properties().forEach(e -> {
                    List<String> values = new ArrayList<>();
                    e.getValue().forEach(v -> values.add(v.asString()));
                    expected.put(e.getKey(), values);
                });
                soft.assertThat(tags.getOrDefault(i, Map.of()))
                        .as("%s tags", what)
                        .containsExactlyEntriesOf(expected);
            }
        }

        List<Map<String, Object>> payments = jdbc.sql("select * from payments where invoice_id = ? order by position")
                .param(id)
                .query()
                .listOfRows();
        JsonNode jsonPayments = invoice.path("payments");
        soft.assertThat(payments).as("invoice %s payments", id).hasSize(jsonPayments.size());
        for (int i = 0; i < Math.min(payments.size(), jsonPayments.size()); i++) {
            compare(
                    soft,
                    "invoice " + id + " payment " + i,
                    jsonPayments.get(i),
                    payments.get(i),
                    List.of("id:id", "statusName:status_name", "currency:currency", "unitPrice:unit_price"),
                    List.of("created:created", "updated:updated"),
                    List.of(
                            "amountBilledCents:amount_billed_cents", "amountPaidCents:amount_paid_cents",
                            "salesTaxCents:sales_tax_cents", "subtotalCents:subtotal_cents"),
                    List.of());
        }

        List<Map<String, Object>> refunds = jdbc.sql("select * from refunds where invoice_id = ? order by position")
                .param(id)
                .query()
                .listOfRows();
        JsonNode jsonRefunds = invoice.path("refunds");
        soft.assertThat(refunds).as("invoice %s refunds", id).hasSize(jsonRefunds.size());
        for (int i = 0; i < Math.min(refunds.size(), jsonRefunds.size()); i++) {
            compare(
                    soft,
                    "invoice " + id + " refund " + i,
                    jsonRefunds.get(i),
                    refunds.get(i),
                    List.of("paymentId:payment_id", "reason:reason"),
                    List.of("created:created"),
                    List.of("amountCents:amount_cents"),
                    List.of());
        }

        // A linked org's invoice nested here is stored as an invoice of its own org; this invoice points at it.
        List<String> linked = jdbc.sql(
                        "select linked_invoice_id from linked_invoices where invoice_id = ? order by position")
                .param(id)
                .query(String.class)
                .list();
        List<String> jsonLinked = new ArrayList<>();
        invoice.path("linkedInvoices").forEach(l -> jsonLinked.add(l.get("id").asString()));
        soft.assertThat(linked).as("invoice %s linked invoices", id).isEqualTo(jsonLinked);
        soft.assertAll();
        invoice.path("linkedInvoices").forEach(this::assertMatches);
    }

    private Map<Integer, Map<String, List<String>>> tagsOf(String invoiceId) {
        Map<Integer, Map<String, List<String>>> tags = new LinkedHashMap<>();
        jdbc.sql("select line_position, key, value from line_item_tags where invoice_id = ?"
                        + " order by line_position, key_position, value_position")
                .param(invoiceId)
                .query((ResultSet rs) -> {
                    List<String> values = tags.computeIfAbsent(rs.getInt(1), k -> new LinkedHashMap<>())
                            .computeIfAbsent(rs.getString(2), k -> new ArrayList<>());
                    String value = rs.getString(3);
                    if (value != null) {
                        values.add(value);
                    }
                });
        return tags;
    }

    private static void compare(
            SoftAssertions soft,
            String what,
            JsonNode json,
            Map<String, Object> row,
            List<String> texts,
            List<String> instants,
            List<String> cents,
            List<String> decimals) {
        for (String pair : texts) {
            String[] p = pair.split(":");
            soft.assertThat(row.get(p[1])).as("%s %s", what, p[0]).isEqualTo(text(json, p[0]));
        }
        for (String pair : instants) {
            String[] p = pair.split(":");
            Object stored = row.get(p[1]);
            Instant actual = stored == null ? null : ((java.sql.Timestamp) stored).toInstant();
            String expected = text(json, p[0]);
            soft.assertThat(actual)
                    .as("%s %s", what, p[0])
                    .isEqualTo(expected == null ? null : Instant.parse(expected));
        }
        for (String pair : cents) {
            String[] p = pair.split(":");
            JsonNode value = json.get(p[0]);
            soft.assertThat(row.get(p[1])).as("%s %s", what, p[0]).isEqualTo(value == null ? null : value.longValue());
        }
        for (String pair : decimals) {
            String[] p = pair.split(":");
            JsonNode value = json.get(p[0]);
            Object stored = row.get(p[1]);
            // equals, not compareTo: 0.50 and 0.5 are different texts and must stay different
            soft.assertThat(stored == null ? null : stored.toString())
                    .as("%s %s", what, p[0])
                    .isEqualTo(value == null ? null : value.decimalValue().toString());
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
