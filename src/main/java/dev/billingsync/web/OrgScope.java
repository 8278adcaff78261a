package dev.billingsync.web;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The orgs a caller may see: every org ({@code *}) or a fixed set of ids. */
record OrgScope(boolean all, Set<String> ids) {

    static final String ALL_ORGS = "*";
    static final OrgScope ALL = new OrgScope(true, Set.of());
    static final OrgScope NONE = new OrgScope(false, Set.of());

    OrgScope {
        ids = Set.copyOf(ids);
    }

    static OrgScope of(Collection<String> orgs) {
        if (orgs.contains(ALL_ORGS)) {
            return ALL;
        }
        return new OrgScope(false, new LinkedHashSet<>(orgs));
    }

    /**
     * From a JWT's {@code orgs} claim: an array of org ids, or {@code "*"} (alone or in the array) for every org. A
     * single string is one org id. A missing or otherwise shaped claim allows no org.
     */
    static OrgScope fromClaim(@Nullable Object claim) {
        if (claim instanceof String single) {
            return single.isBlank() ? NONE : of(Set.of(single.trim()));
        }
        if (claim instanceof Collection<?> values) {
            Set<String> ids = new LinkedHashSet<>();
            for (Object value : values) {
                if (value instanceof String id && !id.isBlank()) {
                    ids.add(id.trim());
                }
            }
            return of(ids);
        }
        return NONE;
    }

    boolean allows(@Nullable String orgId) {
        return orgId != null && (all || ids.contains(orgId));
    }
}
