/** Cross-cutting beans such as the clock and JSON settings. */
@NullMarked
package dev.billingsync.config;

import org.jspecify.annotations.NullMarked;
