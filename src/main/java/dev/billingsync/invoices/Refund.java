package dev.billingsync.invoices;

import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A refund of a payment toward an invoice, in upstream order; written with its invoice. */
@Entity
@Table(name = "refunds")
class Refund {

    @EmbeddedId
    private InvoicePosition id;

    private @Nullable Long amountCents;

    private @Nullable Instant created;

    private @Nullable String paymentId;

    private @Nullable String reason;

    protected Refund() {}

    Refund(InvoicePosition key, InvoiceRefund r) {
        this.id = key;
        this.amountCents = r.amountCents();
        this.created = r.created();
        this.paymentId = r.paymentId();
        this.reason = r.reason();
    }
}
