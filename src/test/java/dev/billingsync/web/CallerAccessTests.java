package dev.billingsync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

/** What {@link CallerAccess} allows for each kind of caller. */
class CallerAccessTests {

    static final String ORG_A = "5f0c1a2b3c4d5e6f7a8b9c01";
    static final String ORG_B = "5f0c1a2b3c4d5e6f7a8b9c02";

    final CallerAccess access = new SecurityContextCallerAccess();

    @AfterEach
    void clearContext() {
        SecurityContextHolder.clearContext();
    }

    static void callAs(Authentication authentication) {
        SecurityContextHolder.getContext().setAuthentication(authentication);
    }

    static Authentication apiKey(Set<ApiRole> roles, String... orgs) {
        return new ApiKeyAuthentication(new ApiKeys.ApiClient("client", roles, OrgScope.of(Arrays.asList(orgs))));
    }

    static Authentication jwt(Map<String, Object> claims) {
        Jwt token = Jwt.withTokenValue("t")
                .header("alg", "RS256")
                .issuedAt(Instant.EPOCH)
                .expiresAt(Instant.EPOCH.plusSeconds(60))
                .claims(all -> all.putAll(claims))
                .build();
        return new JwtAuthenticationConverter().convert(token);
    }

    @Test
    void readerSeesItsOrgsOnly() {
        callAs(apiKey(Set.of(ApiRole.READ), ORG_A));
        assertThat(access.canRead(ORG_A)).isTrue();
        assertThat(access.canRead(ORG_B)).isFalse();
        assertThat(access.seesAllOrgs()).isFalse();
        assertThat(access.visible(List.of(ORG_B, ORG_A, "junk"))).containsExactly(ORG_A);
        assertThatNoException().isThrownBy(() -> access.requireRead(ORG_A));
        ApiException denied = catchThrowableOfType(ApiException.class, () -> access.requireRead(ORG_B));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.errorCode()).isEqualTo("USER_UNAUTHORIZED");
        assertThat(catchThrowableOfType(ApiException.class, () -> access.requireSync(ORG_A))
                        .status())
                .isEqualTo(403);
    }

    @Test
    void wildcardSeesEveryOrgInItsOrder() {
        callAs(apiKey(Set.of(ApiRole.READ), "*"));
        assertThat(access.seesAllOrgs()).isTrue();
        assertThat(access.visible(List.of(ORG_B, ORG_A))).containsExactly(ORG_B, ORG_A);
    }

    @Test
    void syncNeedsTheRoleAndTheOrg() {
        callAs(apiKey(Set.of(ApiRole.SYNC), ORG_A));
        assertThatNoException().isThrownBy(() -> access.requireSync(ORG_A));
        assertThat(catchThrowableOfType(ApiException.class, () -> access.requireSync(ORG_B))
                        .status())
                .isEqualTo(403);
        assertThat(access.canRead(ORG_A)).isFalse();
        assertThat(access.visible(List.of(ORG_A))).isEmpty();
        assertThat(access.seesAllOrgs()).isFalse();
    }

    @Test
    void visibleIsSafeForNullAndEmptyInput() {
        callAs(apiKey(Set.of(ApiRole.READ), "*"));
        assertThat(access.visible(null)).isEmpty();
        assertThat(access.visible(List.of())).isEmpty();
        assertThat(access.visible(Arrays.asList(ORG_A, null))).containsExactly(ORG_A);
    }

    @Test
    void nobodyMayDoAnythingWithoutAnAuthenticatedCaller() {
        assertThat(access.canRead(ORG_A)).isFalse();
        assertThat(access.visible(List.of(ORG_A))).isEmpty();
        assertThat(access.seesAllOrgs()).isFalse();
        callAs(new AnonymousAuthenticationToken(
                "key", "anonymous", AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
        assertThat(access.canRead(ORG_A)).isFalse();
        assertThat(catchThrowableOfType(ApiException.class, () -> access.requireRead(ORG_A))
                        .status())
                .isEqualTo(403);
    }

    @Test
    void jwtScopesAndOrgsClaimDecide() {
        callAs(jwt(Map.of("scope", "billing:read billing:sync", "orgs", List.of(ORG_A))));
        assertThat(access.canRead(ORG_A)).isTrue();
        assertThat(access.canRead(ORG_B)).isFalse();
        assertThatNoException().isThrownBy(() -> access.requireSync(ORG_A));

        callAs(jwt(Map.of("scp", List.of("billing:read"), "orgs", "*")));
        assertThat(access.seesAllOrgs()).isTrue();

        callAs(jwt(Map.of("scope", "billing:read")));
        assertThat(access.canRead(ORG_A)).isFalse();
        assertThat(access.visible(List.of(ORG_A, ORG_B))).isEmpty();

        callAs(jwt(Map.of("orgs", "*")));
        assertThat(access.canRead(ORG_A)).isFalse();
    }

    @Test
    void readsTheOrgsClaimInEveryShape() {
        assertThat(OrgScope.fromClaim(null)).isEqualTo(OrgScope.NONE);
        assertThat(OrgScope.fromClaim("*")).isEqualTo(OrgScope.ALL);
        assertThat(OrgScope.fromClaim(List.of("*"))).isEqualTo(OrgScope.ALL);
        assertThat(OrgScope.fromClaim(List.of(ORG_A, "*"))).isEqualTo(OrgScope.ALL);
        assertThat(OrgScope.fromClaim(ORG_A).allows(ORG_A)).isTrue();
        assertThat(OrgScope.fromClaim(List.of(ORG_A, 42, ORG_B)).ids()).containsExactlyInAnyOrder(ORG_A, ORG_B);
        assertThat(OrgScope.fromClaim("")).isEqualTo(OrgScope.NONE);
        assertThat(OrgScope.fromClaim(Map.of("org", ORG_A))).isEqualTo(OrgScope.NONE);
        assertThat(OrgScope.fromClaim(true)).isEqualTo(OrgScope.NONE);
    }
}
