package dev.billingsync.web;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** {@link CallerAccess} read from the request's Spring Security context. */
final class SecurityContextCallerAccess implements CallerAccess {

    /** The JWT claim listing the orgs a token may see. */
    static final String ORGS_CLAIM = "orgs";

    @Override
    public boolean canRead(String orgId) {
        Authentication caller = caller();
        return ApiRole.READ.grantedTo(caller) && orgs(caller).allows(orgId);
    }

    @Override
    public void requireRead(String orgId) {
        if (!canRead(orgId)) {
            throw ApiException.forbidden("The caller may not read the data of this organization.");
        }
    }

    @Override
    public void requireSync(String orgId) {
        Authentication caller = caller();
        if (!ApiRole.SYNC.grantedTo(caller) || !orgs(caller).allows(orgId)) {
            throw ApiException.forbidden("The caller may not start a sync of this organization.");
        }
    }

    @Override
    public Set<String> visible(@Nullable Collection<String> orgIds) {
        if (orgIds == null || orgIds.isEmpty()) {
            return Set.of();
        }
        Authentication caller = caller();
        if (!ApiRole.READ.grantedTo(caller)) {
            return Set.of();
        }
        OrgScope scope = orgs(caller);
        Set<String> visible = new LinkedHashSet<>();
        for (String orgId : orgIds) {
            if (scope.allows(orgId)) {
                visible.add(orgId);
            }
        }
        return java.util.Collections.unmodifiableSet(visible);
    }

    @Override
    public boolean seesAllOrgs() {
        Authentication caller = caller();
        return ApiRole.READ.grantedTo(caller) && orgs(caller).all();
    }

    private static @Nullable Authentication caller() {
        return SecurityContextHolder.getContext().getAuthentication();
    }

    private static OrgScope orgs(@Nullable Authentication caller) {
        if (caller instanceof ApiKeyAuthentication apiKey) {
            return apiKey.orgs();
        }
        if (caller instanceof JwtAuthenticationToken jwt) {
            return OrgScope.fromClaim(jwt.getToken().getClaims().get(ORGS_CLAIM));
        }
        return OrgScope.NONE;
    }
}
