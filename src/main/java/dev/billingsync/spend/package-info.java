/** Spend sums, the month-end forecast of pending invoices and the FOCUS 1.3 export, over stored line items. */
@NullMarked
package dev.billingsync.spend;

import org.jspecify.annotations.NullMarked;
