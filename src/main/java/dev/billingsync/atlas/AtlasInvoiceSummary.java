package dev.billingsync.atlas;

import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a first, cheap pass over a downloaded invoice response learns about one invoice: its header, the upstream
 * object without {@code lineItems} and {@code linkedInvoices} ({@code raw}), how many line items it has, and a SHA-256
 * over its whole content. The invoices of linked orgs nested in a paying org's invoice are summarized the same way,
 * each on its own ({@code linkedInvoices}; the paying invoice's hash covers theirs). Line items, of an invoice or of a
 * nested one, are streamed in a second pass ({@link AtlasInvoiceDownload#forEachLineItem}).
 */
public record AtlasInvoiceSummary(
        AtlasInvoice header,
        List<AtlasInvoiceSummary> linkedInvoices,
        ObjectNode raw,
        int lineItemCount,
        String contentSha256) {}
