package dev.billingsync.invoices;

import dev.billingsync.web.EnumParameter;
import io.swagger.v3.oas.annotations.Parameter;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.format.annotation.DateTimeFormat;

/** The query string of the invoice list, bound as given; {@link #toFilter()} checks it into an {@link InvoiceFilter}. */
record InvoiceListFilter(
        @Parameter(description = "Keep invoices with one of these statuses (repeatable)") @Nullable
        Collection<String> statusNames,

        @Parameter(description = "Keep invoices starting on or after this UTC day (yyyy-MM-dd)")
        @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
        @Nullable
        LocalDate fromDate,

        @Parameter(description = "Keep invoices ending on or before this UTC day (yyyy-MM-dd)")
        @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
        @Nullable
        LocalDate toDate,

        @Parameter(description = "START_DATE or END_DATE (default)") @Nullable
        String sortBy,

        @Parameter(description = "asc or desc (default)") @Nullable
        String orderBy,

        @Parameter(
                description = "Keep invoices whose stored content changed, or that were flagged missing"
                        + " upstream, at or after this instant (ISO-8601, e.g. 2026-12-01T00:00:00Z): a finance app"
                        + " that keeps the time of its last pull gets only what changed since, refunds on old"
                        + " invoices included")
        @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
        @Nullable
        Instant updatedSince) {

    /** The filter asked for: {@code sortBy} and {@code orderBy} parsed (absent or empty: END_DATE, desc). */
    InvoiceFilter toFilter() {
        return new InvoiceFilter(
                statusNames == null ? List.of() : List.copyOf(statusNames),
                fromDate,
                toDate,
                updatedSince,
                sortBy == null || sortBy.isEmpty()
                        ? InvoiceFilter.SortBy.END_DATE
                        : EnumParameter.of("sortBy", InvoiceFilter.SortBy.class)
                                .listedInLowerCase()
                                .parse(sortBy),
                orderBy == null || orderBy.isEmpty()
                        ? InvoiceFilter.Order.DESC
                        : EnumParameter.of("orderBy", InvoiceFilter.Order.class)
                                .listedInLowerCase()
                                .parse(orderBy));
    }
}
