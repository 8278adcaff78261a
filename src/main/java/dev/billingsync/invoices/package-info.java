/** Invoices, line items, payments, refunds and linked invoices as stored in PostgreSQL, with their store and read queries. */
@NullMarked
package dev.billingsync.invoices;

import org.jspecify.annotations.NullMarked;
