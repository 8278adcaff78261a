package dev.billingsync.orgs;

import java.time.Instant;
import java.time.LocalDate;
import org.jspecify.annotations.Nullable;

/**
 * An organization as recorded here.
 *
 * @param lastSyncSucceededAt when its latest successful sync ended; null before one
 * @param historySyncedFrom the first day of the oldest month whose closed invoices were last reconciled completely
 */
public record KnownOrg(
        String id,
        @Nullable String name,
        @Nullable Instant lastSyncSucceededAt,
        @Nullable LocalDate historySyncedFrom) {}
