package dev.billingsync.invoices;

import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/**
 * A linked org's invoice nested in the paying org's invoice, by position. The nested invoice is that org's own invoice
 * (same id), stored in full as an {@link Invoice} of its org; this row only says where it stands in the paying one.
 */
@Entity
@Table(name = "linked_invoices")
class LinkedInvoice {

    @EmbeddedId
    private InvoicePosition id;

    @Column(nullable = false)
    private String linkedInvoiceId;

    protected LinkedInvoice() {}

    LinkedInvoice(InvoicePosition key, String linkedInvoiceId) {
        this.id = key;
        this.linkedInvoiceId = linkedInvoiceId;
    }
}
