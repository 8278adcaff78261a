package dev.billingsync.invoices;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The version of what the API shows of some invoices: each invoice's row version ({@code xmin}, the transaction that
 * last wrote its {@code invoices} row; every change of an invoice's content, children, flags or links rewrites that
 * row in the same transaction), for those invoices and, recursively, the linked invoices they nest; {@code ""} when
 * there are none. One statement with plain JDBC and no transaction proxy: outside a transaction it is one round trip
 * on an autocommit connection (it decides whether a kept body can be sent, on every read, so its cost counts); inside
 * {@link InvoiceQueries#inSnapshot} it runs on the snapshot's connection, which the transaction manager binds for
 * JDBC too.
 */
@Component
class InvoiceVersions {

    private static final String OF_SHOWN = """
              union
                select l.linked_invoice_id from linked_invoices l join shown s on s.id = l.invoice_id)
            select coalesce(string_agg(i.id || '@' || i.xmin::text, ',' order by i.id), '')
            from invoices i join shown s on s.id = i.id""";

    private static final String OF_INVOICE = """
            with recursive shown(id) as (
                select id from invoices where id = ? and org_id = ?
            """ + OF_SHOWN;

    private static final String OF_PENDING = """
            with recursive shown(id) as (
                select id from invoices where org_id = ? and is_pending
            """ + OF_SHOWN;

    private static final String OF_LINES = "select i.xmin::text from invoices i where i.id = ? and i.org_id = ?";

    private final JdbcClient jdbc;

    InvoiceVersions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Of one invoice of the org and the linked invoices it nests; {@code ""} when the org has no such invoice. */
    String ofInvoice(String orgId, String invoiceId) {
        return jdbc.sql(OF_INVOICE).params(invoiceId, orgId).query(String.class).single();
    }

    /**
     * Of one invoice of the org without the linked invoices it nests, which its line items do not depend on; {@code ""}
     * when the org has no such invoice.
     */
    String ofLineItems(String orgId, String invoiceId) {
        return jdbc.sql(OF_LINES)
                .params(invoiceId, orgId)
                .query(String.class)
                .optional()
                .orElse("");
    }

    /** Of the org's pending invoices and the linked invoices they nest; {@code ""} when it has none. */
    String ofPending(String orgId) {
        return jdbc.sql(OF_PENDING).param(orgId).query(String.class).single();
    }
}
