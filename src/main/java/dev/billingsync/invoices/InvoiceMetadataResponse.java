package dev.billingsync.invoices;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An invoice without its line items, payments and refunds, like Atlas's {@code BillingInvoiceMetadata}, plus two
 * fields of ours: {@code pending} (whether it is the org's current pending invoice) and {@code missingUpstreamAt} (when
 * we noticed that Atlas no longer serves it; absent while it does).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvoiceMetadataResponse(
        String id,
        String orgId,
        @JsonUnwrapped InvoiceHeader header,
        boolean pending,
        @Nullable Instant missingUpstreamAt) {

    /** JPA hands back a null header when every header column is null. */
    public InvoiceMetadataResponse {
        header = InvoiceHeader.orNone(header);
    }
}
