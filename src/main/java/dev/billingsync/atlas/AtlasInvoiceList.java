package dev.billingsync.atlas;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of {@code GET /orgs/{orgId}/invoices} ({@code PaginatedApiInvoiceMetadataView}): invoice metadata, whose
 * {@code statusName}, {@code *Cents} and {@code updated} tell whether a stored invoice changed upstream.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record AtlasInvoiceList(
        @Nullable List<AtlasInvoice> results, @Nullable Integer totalCount) {

    List<AtlasInvoice> resultsOrEmpty() {
        return results == null ? List.of() : results;
    }
}
