package dev.billingsync.atlas;

import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a first, cheap pass over a spooled invoice payload learns about one invoice: its header, linked invoices, the
 * upstream object without {@code lineItems} ({@code raw}), how many line items it has, and a SHA-256 over its whole
 * content. {@code index} is its position in the payload, used to stream its line items in a second pass.
 */
public record AtlasInvoiceSummary(
        int index,
        AtlasInvoice header,
        List<AtlasLinkedInvoice> linkedInvoices,
        ObjectNode raw,
        int lineItemCount,
        String contentSha256) {}
