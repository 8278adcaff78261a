/** The REST conventions every controller shares: envelope, pretty printing, paging, Atlas-style errors and security. */
@NullMarked
package dev.billingsync.web;

import org.jspecify.annotations.NullMarked;
