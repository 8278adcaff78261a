package dev.billingsync.web;

import dev.billingsync.web.ApiKeys.ApiClient;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A caller authenticated by its API key. The key itself is not kept. */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    private final ApiClient client;

    ApiKeyAuthentication(ApiClient client) {
        super(client.roles().stream()
                .map(role -> new SimpleGrantedAuthority(role.roleAuthority()))
                .toList());
        this.client = client;
        setAuthenticated(true);
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
