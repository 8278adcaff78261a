package dev.billingsync.invoices;

/** Storing an invoice failed in the database; the surrounding transaction rolls back and nothing is half-written. */
public class InvoiceWriteException extends RuntimeException {

    public InvoiceWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
