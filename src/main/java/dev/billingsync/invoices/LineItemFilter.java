package dev.billingsync.invoices;

import java.time.LocalDate;
import org.jspecify.annotations.Nullable;

/**
 * Which line items of an invoice to return. Dates are UTC days: {@code fromDate} keeps lines that start on or after
 * it, {@code toDate} lines that end on or before the end of that day.
 */
public record LineItemFilter(
        @Nullable String groupId,
        @Nullable String clusterName,
        @Nullable String sku,
        @Nullable LocalDate fromDate,
        @Nullable LocalDate toDate) {}
