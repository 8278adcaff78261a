package dev.billingsync.invoices;

import java.util.List;

/**
 * An invoice as the sync read it upstream, normalized for storage, without its line items (they are streamed through
 * {@link LineItemSource}). {@code rawJson} is the upstream object minus {@code lineItems} and {@code linkedInvoices},
 * kept for audit; {@code contentSha256} covers the whole upstream content and decides whether anything has to be
 * written. A paying org's invoice nests its linked orgs' invoices: those are stored as invoices of their own orgs
 * (written before this one), and this one refers to them by id ({@code linkedInvoiceIds}, in upstream order).
 */
public record UpstreamInvoice(
        String id,
        String orgId,
        InvoiceHeader header,
        List<InvoicePayment> payments,
        List<InvoiceRefund> refunds,
        List<String> linkedInvoiceIds,
        int lineItemCount,
        String contentSha256,
        String rawJson) {

    public UpstreamInvoice {
        payments = List.copyOf(payments);
        refunds = List.copyOf(refunds);
        linkedInvoiceIds = List.copyOf(linkedInvoiceIds);
    }
}
