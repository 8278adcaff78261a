package dev.billingsync.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One mutable invoice of a {@link SimulatedOrg}, guarded by that org's lock. Sums are derived when rendered, so
 * they always agree with the line items.
 */
final class InvoiceState {

    final String id;
    final String orgId;
    final Instant startDate;
    final Instant endDate;
    final Instant created;
    final boolean futureField;
    final List<LineItem> lineItems = new ArrayList<>();
    final List<Payment> payments = new ArrayList<>();
    final List<Refund> refunds = new ArrayList<>();
    final List<InvoiceState> linkedInvoices = new ArrayList<>();
    String statusName;
    Instant updated;
    long amountPaidCents;
    long creditsCents;
    long salesTaxCents;
    long startingBalanceCents;

    InvoiceState(
            String id,
            String orgId,
            String statusName,
            Instant startDate,
            Instant endDate,
            Instant created,
            boolean futureField) {
        this.id = id;
        this.orgId = orgId;
        this.statusName = statusName;
        this.startDate = startDate;
        this.endDate = endDate;
        this.created = created;
        this.updated = created;
        this.futureField = futureField;
    }

    /** "Sum of all positive invoice line items". */
    long subtotalCents() {
        long sum = 0;
        for (LineItem item : lineItems) {
            sum += Math.max(0, item.totalPriceCents());
        }
        return sum;
    }

    long discountCents() {
        long sum = 0;
        for (LineItem item : lineItems) {
            sum += item.discountOrZero();
        }
        return sum;
    }

    long amountBilledCents() {
        return Math.max(0, subtotalCents() - discountCents() - creditsCents + salesTaxCents);
    }

    void touch(Instant when) {
        if (when.isAfter(updated)) {
            updated = when;
        }
    }
}
