package dev.billingsync.invoices;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import jakarta.persistence.Embeddable;
import jakarta.persistence.Embedded;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What Atlas says of an invoice besides its id, org and children: status, period, timestamps and totals. One shape for
 * what the sync stores (embedded in the invoice row, under the same column names) and what the API returns (unwrapped
 * into the invoice's JSON, absent fields absent).
 */
@Embeddable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvoiceHeader(
        @Nullable String statusName,
        @Nullable Instant startDate,
        @Nullable Instant endDate,
        @Nullable Instant created,
        @Nullable Instant updated,
        @Embedded @JsonUnwrapped InvoiceAmounts amounts) {

    /** Nothing known: what JPA hands back (as null) for an embedded value whose columns are all null. */
    static final InvoiceHeader NONE = new InvoiceHeader(null, null, null, null, null, InvoiceAmounts.NONE);

    /** JPA hands back null amounts when every total is absent. */
    public InvoiceHeader {
        amounts = InvoiceAmounts.orNone(amounts);
    }

    static InvoiceHeader orNone(@Nullable InvoiceHeader header) {
        return header == null ? NONE : header;
    }
}
