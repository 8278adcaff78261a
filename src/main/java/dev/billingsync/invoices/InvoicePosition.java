package dev.billingsync.invoices;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/**
 * The key of an invoice's child row: Atlas gives line items, payments, refunds and linked invoices no id of their own,
 * so they are keyed by their invoice and their position in it, in upstream order.
 */
@Embeddable
record InvoicePosition(@Column(name = "invoice_id") String invoiceId, int position) {}
