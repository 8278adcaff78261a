package dev.billingsync.invoices;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.billingsync.web.Link;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A full invoice in the shape of Atlas's {@code BillingInvoice}: same field names and formats, absent fields absent.
 * {@code linkedInvoices} (the linked orgs' invoices a paying org's invoice nests) are full invoices too, each as stored
 * for its own org; {@code links} point into this API, not Atlas. Full
 * invoices are streamed ({@link InvoiceQueries#writeInvoice}) in the order of these components; the record documents
 * the shape (OpenAPI) and the order the stream follows. {@code missingUpstreamAt} is ours: when we noticed that Atlas
 * no longer serves the invoice (its data is kept as last seen); absent while Atlas serves it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvoiceResponse(
        String id,
        String orgId,
        @JsonUnwrapped InvoiceHeader header,
        @Nullable Instant missingUpstreamAt,
        List<InvoiceLineItem> lineItems,
        List<InvoicePayment> payments,
        List<InvoiceRefund> refunds,
        List<InvoiceResponse> linkedInvoices,
        @Nullable List<Link> links) {}
