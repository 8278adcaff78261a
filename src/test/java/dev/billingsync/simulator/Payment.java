package dev.billingsync.simulator;

import java.time.Instant;

/** An Atlas {@code BillingPayment}; {@code unitPrice} is a decimal string on the wire, and so here. */
record Payment(
        String id,
        long amountBilledCents,
        long amountPaidCents,
        Instant created,
        Instant updated,
        String currency,
        long salesTaxCents,
        String statusName,
        long subtotalCents,
        String unitPrice) {

    Payment withStatus(String status, long paidCents, Instant when) {
        return new Payment(
                id,
                amountBilledCents,
                paidCents,
                created,
                when,
                currency,
                salesTaxCents,
                status,
                subtotalCents,
                unitPrice);
    }
}
