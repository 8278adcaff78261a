package dev.billingsync.web;

import java.util.Collection;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * What an API caller may do: {@code READ} every {@code GET /api/v1/**}, {@code SYNC} start syncs
 * ({@code POST /api/v1/**}). An API key holds them as roles, a JWT as the scopes {@code billing:read} and
 * {@code billing:sync}. Neither implies the other.
 */
enum ApiRole {
    READ("billing:read"),
    SYNC("billing:sync");

    /**
     * Added to a caller that may {@code READ} every org (an API key with {@code orgs: *}, a JWT whose {@code orgs}
     * claim is {@code "*"}). Actuator health shows its details, which name every configured org, only to such a caller
     * ({@code management.endpoint.health.roles}): an org-limited caller must not learn the other orgs.
     */
    static final String READ_ALL_ORGS = "READ_ALL_ORGS";

    private final String scope;

    ApiRole(String scope) {
        this.scope = scope;
    }

    /** The authority an API key with this role carries. */
    String roleAuthority() {
        return "ROLE_" + name();
    }

    /** The authority Spring Security derives from the JWT scope. */
    String scopeAuthority() {
        return "SCOPE_" + scope;
    }

    String[] authorities() {
        return new String[] {roleAuthority(), scopeAuthority()};
    }

    boolean grantedTo(@Nullable Authentication authentication) {
        if (authentication == null || !authentication.isAuthenticated()) {
            return false;
        }
        Collection<? extends GrantedAuthority> granted = authentication.getAuthorities();
        for (GrantedAuthority authority : granted) {
            String name = authority.getAuthority();
            if (roleAuthority().equals(name) || scopeAuthority().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
