package dev.billingsync.invoices;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Which invoices of an org to list, as Atlas's {@code listInvoices}: {@code fromDate} keeps invoices starting on or
 * after it, {@code toDate} those ending on or before it (UTC days); ours, {@code updatedSince} keeps those whose stored
 * content changed, or that were flagged missing upstream, at or after that instant.
 */
public record InvoiceFilter(
        List<String> statusNames,
        @Nullable LocalDate fromDate,
        @Nullable LocalDate toDate,
        @Nullable Instant updatedSince,
        SortBy sortBy,
        Order orderBy) {

    public enum SortBy {
        START_DATE,
        END_DATE
    }

    public enum Order {
        ASC,
        DESC
    }

    public InvoiceFilter {
        statusNames = List.copyOf(statusNames);
    }
}
