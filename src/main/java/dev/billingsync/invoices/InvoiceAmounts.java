package dev.billingsync.invoices;

import org.jspecify.annotations.Nullable;

/** The {@code *Cents} totals of an invoice: integer cents, absent when Atlas omits them. */
public record InvoiceAmounts(
        @Nullable Long amountBilledCents,
        @Nullable Long amountPaidCents,
        @Nullable Long creditsCents,
        @Nullable Long salesTaxCents,
        @Nullable Long startingBalanceCents,
        @Nullable Long subtotalCents) {}
