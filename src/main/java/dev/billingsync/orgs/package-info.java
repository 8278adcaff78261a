/** The Atlas organizations served here: configuration, discovery bookkeeping, registration, and who may see which. */
@NullMarked
package dev.billingsync.orgs;

import org.jspecify.annotations.NullMarked;
