/** Client for the Atlas Admin API v2 billing endpoints: auth, retries, versioned media types and streamed responses. */
@NullMarked
package dev.billingsync.atlas;

import org.jspecify.annotations.NullMarked;
