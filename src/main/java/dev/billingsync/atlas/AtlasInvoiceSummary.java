package dev.billingsync.atlas;

import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a first, cheap pass over a downloaded invoice response learns about one invoice: its header, linked invoices,
 * the upstream object without {@code lineItems} ({@code raw}), how many line items it has, and a SHA-256 over its
 * whole content. Its line items are streamed in a second pass ({@link AtlasInvoiceDownload#forEachLineItem}).
 */
public record AtlasInvoiceSummary(
        AtlasInvoice header,
        List<AtlasLinkedInvoice> linkedInvoices,
        ObjectNode raw,
        int lineItemCount,
        String contentSha256) {}
