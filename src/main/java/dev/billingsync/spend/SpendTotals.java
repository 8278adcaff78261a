package dev.billingsync.spend;

/** The sums over every row of every page of a spend query: exactly the sums over its raw line items. */
record SpendTotals(long totalPriceCents, long discountCents, long lineItemCount) {}
