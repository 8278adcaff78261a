package dev.billingsync.simulator;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;

/**
 * Writes invoices the way Atlas does: properties in alphabetical order, optional fields left out rather than null,
 * decimals written from their exact text, instants as ISO-8601 UTC seconds. Unknown {@code futureField}s are
 * included on purpose: clients must ignore them.
 */
final class InvoiceJson {

    private final String apiBase;

    /** @param apiBase e.g. {@code http://127.0.0.1:41234/api/atlas/v2} */
    InvoiceJson(String apiBase) {
        this.apiBase = apiBase;
    }

    String apiBase() {
        return apiBase;
    }

    RenderedBody pendingList(String orgId, List<InvoiceState> invoices, boolean envelope, boolean pretty) {
        return JsonOutput.render(pretty, g -> {
            g.writeStartObject();
            writeSelfLinks(g, apiBase + "/orgs/" + orgId + "/invoices/pending");
            g.writeArrayPropertyStart("results");
            for (InvoiceState invoice : invoices) {
                writeInvoice(g, invoice);
            }
            g.writeEndArray();
            if (envelope) {
                g.writeNumberProperty("status", 200);
            }
            g.writeNumberProperty("totalCount", invoices.size());
            g.writeEndObject();
        });
    }

    /**
     * {@code GET /orgs/{orgId}/invoices}: a page of {@code BillingInvoiceMetadata} (no line items, payments or
     * refunds), with {@code linkedInvoices} as metadata too unless {@code viewLinkedInvoices=false}.
     */
    RenderedBody metadataList(
            String orgId,
            List<InvoiceState> page,
            long totalCount,
            String selfHref,
            @Nullable String nextHref,
            boolean viewLinked,
            boolean envelope,
            boolean pretty) {
        return JsonOutput.render(pretty, g -> {
            g.writeStartObject();
            g.writeArrayPropertyStart("links");
            writeLink(g, selfHref, "self");
            if (nextHref != null) {
                writeLink(g, nextHref, "next");
            }
            g.writeEndArray();
            g.writeArrayPropertyStart("results");
            for (InvoiceState invoice : page) {
                writeMetadata(g, invoice, viewLinked);
            }
            g.writeEndArray();
            if (envelope) {
                g.writeNumberProperty("status", 200);
            }
            g.writeNumberProperty("totalCount", totalCount);
            g.writeEndObject();
        });
    }

    private void writeMetadata(JsonGenerator g, InvoiceState invoice, boolean viewLinked) {
        g.writeStartObject();
        g.writeNumberProperty("amountBilledCents", invoice.amountBilledCents());
        g.writeNumberProperty("amountPaidCents", invoice.amountPaidCents);
        g.writeStringProperty("created", invoice.created.toString());
        g.writeNumberProperty("creditsCents", invoice.creditsCents);
        g.writeStringProperty("endDate", invoice.endDate.toString());
        g.writeStringProperty("id", invoice.id);
        if (viewLinked) {
            g.writeArrayPropertyStart("linkedInvoices");
            for (InvoiceState linked : invoice.linkedInvoices) {
                writeMetadata(g, linked, true);
            }
            g.writeEndArray();
        }
        writeSelfLinks(g, apiBase + "/orgs/" + invoice.orgId + "/invoices/" + invoice.id);
        g.writeStringProperty("orgId", invoice.orgId);
        g.writeNumberProperty("salesTaxCents", invoice.salesTaxCents);
        g.writeStringProperty("startDate", invoice.startDate.toString());
        g.writeNumberProperty("startingBalanceCents", invoice.startingBalanceCents);
        g.writeStringProperty("statusName", invoice.statusName);
        g.writeNumberProperty("subtotalCents", invoice.subtotalCents());
        g.writeStringProperty("updated", invoice.updated.toString());
        g.writeEndObject();
    }

    private static void writeLink(JsonGenerator g, String href, String rel) {
        g.writeStartObject();
        g.writeStringProperty("href", href);
        g.writeStringProperty("rel", rel);
        g.writeEndObject();
    }

    RenderedBody single(InvoiceState invoice, boolean envelope, boolean pretty) {
        return JsonOutput.render(pretty, g -> {
            if (envelope) {
                g.writeStartObject();
                g.writeName("content");
                writeInvoice(g, invoice);
                g.writeNumberProperty("status", 200);
                g.writeEndObject();
            } else {
                writeInvoice(g, invoice);
            }
        });
    }

    private void writeInvoice(JsonGenerator g, InvoiceState invoice) {
        g.writeStartObject();
        g.writeNumberProperty("amountBilledCents", invoice.amountBilledCents());
        g.writeNumberProperty("amountPaidCents", invoice.amountPaidCents);
        g.writeStringProperty("created", invoice.created.toString());
        g.writeNumberProperty("creditsCents", invoice.creditsCents);
        g.writeStringProperty("endDate", invoice.endDate.toString());
        if (invoice.futureField) {
            g.writeObjectPropertyStart("futureField");
            g.writeArrayPropertyStart("flags");
            g.writeString("costAllocationV2");
            g.writeString("usageRollup");
            g.writeEndArray();
            g.writeNumberProperty("schemaVersion", 3);
            g.writeEndObject();
        }
        g.writeStringProperty("id", invoice.id);
        g.writeArrayPropertyStart("lineItems");
        for (LineItem item : invoice.lineItems) {
            writeLineItem(g, item);
        }
        g.writeEndArray();
        g.writeArrayPropertyStart("linkedInvoices");
        for (InvoiceState linked : invoice.linkedInvoices) {
            writeInvoice(g, linked);
        }
        g.writeEndArray();
        writeSelfLinks(g, apiBase + "/orgs/" + invoice.orgId + "/invoices/" + invoice.id);
        g.writeStringProperty("orgId", invoice.orgId);
        g.writeArrayPropertyStart("payments");
        for (Payment payment : invoice.payments) {
            writePayment(g, payment);
        }
        g.writeEndArray();
        g.writeArrayPropertyStart("refunds");
        for (Refund refund : invoice.refunds) {
            g.writeStartObject();
            g.writeNumberProperty("amountCents", refund.amountCents());
            g.writeStringProperty("created", refund.created().toString());
            g.writeStringProperty("paymentId", refund.paymentId());
            g.writeStringProperty("reason", refund.reason());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberProperty("salesTaxCents", invoice.salesTaxCents);
        g.writeStringProperty("startDate", invoice.startDate.toString());
        g.writeNumberProperty("startingBalanceCents", invoice.startingBalanceCents);
        g.writeStringProperty("statusName", invoice.statusName);
        g.writeNumberProperty("subtotalCents", invoice.subtotalCents());
        g.writeStringProperty("updated", invoice.updated.toString());
        g.writeEndObject();
    }

    private static void writeLineItem(JsonGenerator g, LineItem item) {
        UsageSource source = item.source();
        g.writeStartObject();
        if (source.cloudProvider() != null) {
            g.writeStringProperty("cloudProvider", source.cloudProvider());
        }
        if (source.clusterName() != null) {
            g.writeStringProperty("clusterName", source.clusterName());
        }
        g.writeStringProperty("created", item.created().toString());
        if (item.discountCents() != null) {
            g.writeNumberProperty("discountCents", item.discountCents());
        }
        g.writeStringProperty("endDate", item.endDate().toString());
        if (item.futureRevision() != 0) {
            g.writeObjectPropertyStart("futureField");
            g.writeNumberProperty("meterRevision", item.futureRevision());
            g.writeStringProperty("source", "usage-pipeline");
            g.writeEndObject();
        }
        g.writeStringProperty("groupId", source.groupId());
        g.writeStringProperty("groupName", source.groupName());
        if (source.note() != null) {
            g.writeStringProperty("note", source.note());
        }
        if (source.percentDiscount() != null) {
            writeDecimal(g, "percentDiscount", source.percentDiscount());
        }
        writeDecimal(g, "quantity", item.quantity());
        g.writeStringProperty("sku", source.sku());
        g.writeStringProperty("startDate", item.startDate().toString());
        if (source.stitchAppName() != null) {
            g.writeStringProperty("stitchAppName", source.stitchAppName());
        }
        Map<String, List<String>> tags = source.tags();
        if (tags != null) {
            g.writeObjectPropertyStart("tags");
            for (Map.Entry<String, List<String>> tag : tags.entrySet()) {
                g.writeArrayPropertyStart(tag.getKey());
                for (String value : tag.getValue()) {
                    g.writeString(value);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        if (source.tierLowerBound() != null) {
            writeDecimal(g, "tierLowerBound", source.tierLowerBound());
        }
        if (source.tierUpperBound() != null) {
            writeDecimal(g, "tierUpperBound", source.tierUpperBound());
        }
        g.writeNumberProperty("totalPriceCents", item.totalPriceCents());
        g.writeStringProperty("unit", source.unit());
        writeDecimal(g, "unitPriceDollars", source.unitPriceDollars());
        g.writeEndObject();
    }

    private static void writePayment(JsonGenerator g, Payment payment) {
        g.writeStartObject();
        g.writeNumberProperty("amountBilledCents", payment.amountBilledCents());
        g.writeNumberProperty("amountPaidCents", payment.amountPaidCents());
        g.writeStringProperty("created", payment.created().toString());
        g.writeStringProperty("currency", payment.currency());
        g.writeStringProperty("id", payment.id());
        g.writeNumberProperty("salesTaxCents", payment.salesTaxCents());
        g.writeStringProperty("statusName", payment.statusName());
        g.writeNumberProperty("subtotalCents", payment.subtotalCents());
        g.writeStringProperty("unitPrice", payment.unitPrice());
        g.writeStringProperty("updated", payment.updated().toString());
        g.writeEndObject();
    }

    private static void writeSelfLinks(JsonGenerator g, String href) {
        g.writeArrayPropertyStart("links");
        g.writeStartObject();
        g.writeStringProperty("href", href);
        g.writeStringProperty("rel", "self");
        g.writeEndObject();
        g.writeEndArray();
    }

    /**
     * The exact decimal text, never through double. Trailing zeros are dropped (Atlas sends doubles, which have
     * none), so a reader that normalizes decimals still reads the very digits written.
     */
    private static void writeDecimal(JsonGenerator g, String name, BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        g.writeName(name);
        g.writeNumber((stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString());
    }
}
