package dev.billingsync.web;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What this service insists on in Spring Boot's own {@code spring.security.oauth2.resourceserver.jwt.*}: Boot's
 * decoder checks a token's {@code aud} against {@code audiences} and its {@code iss} against {@code issuer-uri}, but
 * only when they are set, and without them a token the same identity provider minted for another API with the same
 * scope names would be accepted here. So when JWTs are accepted (any of {@code issuer-uri}, {@code jwk-set-uri},
 * {@code public-key-location} is set), startup fails unless
 *
 * <ul>
 *   <li>{@code audiences} names at least one audience, and
 *   <li>with {@code jwk-set-uri}, {@code issuer-uri} is set too: beside a JWK set URI, Boot only compares it with each
 *       token's {@code iss} (no discovery request). A JWK set can be shared by many issuers (multi-tenant providers).
 * </ul>
 *
 * With {@code public-key-location} alone the key itself pins the signer; {@code issuer-uri} is checked when set. The
 * record validates itself while it is bound, as {@link ApiSecurityProperties} does, so the report names the property.
 *
 * @param issuerUri the expected {@code iss}; also the discovery location when no key source is given
 * @param jwkSetUri where the signing keys are published
 * @param publicKeyLocation a single RSA public key
 * @param audiences the {@code aud} values accepted; a token must carry at least one
 */
@ConfigurationProperties("spring.security.oauth2.resourceserver.jwt")
record JwtProperties(
        @Nullable String issuerUri,
        @Nullable String jwkSetUri,
        @Nullable String publicKeyLocation,
        @DefaultValue List<String> audiences) {

    private static final String PREFIX = "spring.security.oauth2.resourceserver.jwt";

    JwtProperties {
        audiences = List.copyOf(audiences);
        List<String> problems = new ArrayList<>();
        if (enabled(issuerUri, jwkSetUri, publicKeyLocation)
                && audiences.stream().noneMatch(JwtProperties::hasText)) {
            problems.add(PREFIX + ".audiences is required when JWTs are accepted (issuer-uri, jwk-set-uri or"
                    + " public-key-location is set): list the audience (aud claim) that tokens for this API carry");
        }
        if (hasText(jwkSetUri) && !hasText(issuerUri)) {
            problems.add(PREFIX + ".issuer-uri is required with jwk-set-uri: set it to the issuer (iss claim) of this"
                    + " API's tokens; beside jwk-set-uri it is only compared with each token, never fetched");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid JWT configuration:\n  - " + String.join("\n  - ", problems));
        }
    }

    boolean enabled() {
        return enabled(issuerUri, jwkSetUri, publicKeyLocation);
    }

    private static boolean enabled(
            @Nullable String issuerUri, @Nullable String jwkSetUri, @Nullable String publicKeyLocation) {
        return hasText(issuerUri) || hasText(jwkSetUri) || hasText(publicKeyLocation);
    }

    private static boolean hasText(@Nullable String value) {
        return value != null && !value.isBlank();
    }
}
