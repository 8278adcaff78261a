package dev.billingsync.invoices;

import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A payment toward an invoice, in upstream order; written with its invoice, never changed on its own. */
@Entity
@Table(name = "payments")
class Payment {

    @EmbeddedId
    private InvoicePosition id;

    @Column(name = "id")
    private @Nullable String paymentId;

    private @Nullable String statusName;

    private @Nullable Instant created;

    private @Nullable Instant updated;

    private @Nullable String currency;

    private @Nullable Long amountBilledCents;

    private @Nullable Long amountPaidCents;

    private @Nullable Long salesTaxCents;

    private @Nullable Long subtotalCents;

    private @Nullable String unitPrice;

    protected Payment() {}

    Payment(InvoicePosition key, InvoicePayment p) {
        this.id = key;
        this.paymentId = p.id();
        this.statusName = p.statusName();
        this.created = p.created();
        this.updated = p.updated();
        this.currency = p.currency();
        this.amountBilledCents = p.amountBilledCents();
        this.amountPaidCents = p.amountPaidCents();
        this.salesTaxCents = p.salesTaxCents();
        this.subtotalCents = p.subtotalCents();
        this.unitPrice = p.unitPrice();
    }
}
