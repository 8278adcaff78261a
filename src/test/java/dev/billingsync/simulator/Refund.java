package dev.billingsync.simulator;

import java.time.Instant;

/** An Atlas {@code BillingRefund}. */
record Refund(long amountCents, Instant created, String paymentId, String reason) {}
