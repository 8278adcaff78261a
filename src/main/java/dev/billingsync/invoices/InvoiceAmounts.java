package dev.billingsync.invoices;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.persistence.Embeddable;
import org.jspecify.annotations.Nullable;

/**
 * The {@code *Cents} totals of an invoice: integer cents, absent when Atlas omits them. Part of the
 * {@link InvoiceHeader}, under the same column and JSON names.
 */
@Embeddable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvoiceAmounts(
        @Nullable Long amountBilledCents,
        @Nullable Long amountPaidCents,
        @Nullable Long creditsCents,
        @Nullable Long salesTaxCents,
        @Nullable Long startingBalanceCents,
        @Nullable Long subtotalCents) {

    /** Every total absent: what JPA hands back (as null) for an embedded value whose columns are all null. */
    static final InvoiceAmounts NONE = new InvoiceAmounts(null, null, null, null, null, null);

    static InvoiceAmounts orNone(@Nullable InvoiceAmounts amounts) {
        return amounts == null ? NONE : amounts;
    }
}
