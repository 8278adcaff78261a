package dev.billingsync.web;

import dev.billingsync.web.ApiKeys.ApiClient;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A caller authenticated by its API key. The key itself is not kept. */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    private final ApiClient client;

    ApiKeyAuthentication(ApiClient client) {
        super(authorities(client));
        this.client = client;
        setAuthenticated(true);
    }

    private static List<GrantedAuthority> authorities(ApiClient client) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        client.roles().forEach(role -> authorities.add(new SimpleGrantedAuthority(role.roleAuthority())));
        if (client.roles().contains(ApiRole.READ) && client.orgs().all()) {
            authorities.add(new SimpleGrantedAuthority(ApiRole.READ_ALL_ORGS));
        }
        return authorities;
    }

    OrgScope orgs() {
        return client.orgs();
    }

    @Override
    public @Nullable Object getCredentials() {
        return null;
    }

    @Override
    public Object getPrincipal() {
        return client.name();
    }

    @Override
    public String getName() {
        return client.name();
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof ApiKeyAuthentication that && that.client.equals(client) && super.equals(other);
    }

    @Override
    public int hashCode() {
        return client.hashCode();
    }
}
