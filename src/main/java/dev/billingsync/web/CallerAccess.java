package dev.billingsync.web;

import java.util.Collection;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the caller of the current request may see and do, from its API key ({@code billing.security.api-keys[N]}:
 * roles and orgs) or its bearer JWT (scopes {@code billing:read} / {@code billing:sync}, claim {@code orgs}).
 * Controllers check every org they serve through it; a caller that may not see an org gets a 403 whether the org
 * exists or not, so it never learns anything about it.
 */
public interface CallerAccess {

    /** Whether the caller may read this org's data. */
    boolean canRead(String orgId);

    /** Throws a 403 {@link ApiException} unless the caller may read this org's data. */
    void requireRead(String orgId);

    /** Throws a 403 {@link ApiException} unless the caller may start syncs and may see this org. */
    void requireSync(String orgId);

    /** Of these org ids, the ones the caller may read, in their order; empty for {@code null} or no ids. */
    Set<String> visible(@Nullable Collection<String> orgIds);

    /** Whether the caller may read every org, configured or not ({@code *}). */
    boolean seesAllOrgs();
}
