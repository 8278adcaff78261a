/** Schedules, locks and records the per-organization sync of Atlas billing data. */
@NullMarked
package dev.billingsync.sync;

import org.jspecify.annotations.NullMarked;
