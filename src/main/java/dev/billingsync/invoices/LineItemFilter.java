package dev.billingsync.invoices;

import dev.billingsync.web.AtlasId;
import io.swagger.v3.oas.annotations.Parameter;
import java.time.LocalDate;
import org.jspecify.annotations.Nullable;
import org.springframework.format.annotation.DateTimeFormat;

/**
 * Which line items of an invoice to return, bound from the query string of both the JSON and the CSV endpoint. Dates
 * are UTC days: {@code fromDate} keeps lines that start on or after it, {@code toDate} lines that end on or before the
 * end of that day.
 */
public record LineItemFilter(
        @Parameter(description = "Only lines of this project (group) id") @AtlasId @Nullable
        String groupId,

        @Parameter(description = "Only lines of this cluster name") @Nullable
        String clusterName,

        @Parameter(description = "Only lines of this SKU") @Nullable
        String sku,

        @Parameter(description = "Only lines starting on or after this UTC day (yyyy-MM-dd)")
        @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
        @Nullable
        LocalDate fromDate,

        @Parameter(description = "Only lines ending on or before this UTC day (yyyy-MM-dd)")
        @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
        @Nullable
        LocalDate toDate) {

    /** Every line item. */
    static final LineItemFilter NONE = new LineItemFilter(null, null, null, null, null);
}
