package dev.billingsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Matching a presented key against configured plain and hashed keys. */
class ApiKeysTests {

    static final String ORG = "5f0c1a2b3c4d5e6f7a8b9c01";
    static final String PLAIN = "plain-key-0123456789";
    static final String HASHED = "hashed-key-0123456789";

    final ApiKeys keys = new ApiKeys(new ApiSecurityProperties(List.of(
            new ApiSecurityProperties.ApiKey("plain", PLAIN, null, Set.of(ApiRole.READ), List.of(ORG)),
            new ApiSecurityProperties.ApiKey("hashed", null, sha256Hex(HASHED), Set.of(ApiRole.SYNC), List.of("*")))));

    static String sha256Hex(String value) throws RuntimeException {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void findsTheClientOfAPlainKey() {
        assertThat(keys.authenticate(PLAIN)).hasValueSatisfying(client -> {
            assertThat(client.name()).isEqualTo("plain");
            assertThat(client.roles()).containsExactly(ApiRole.READ);
            assertThat(client.orgs().allows(ORG)).isTrue();
        });
    }

    @Test
    void findsTheClientOfAHashedKey() {
        assertThat(keys.authenticate(HASHED)).hasValueSatisfying(client -> {
            assertThat(client.name()).isEqualTo("hashed");
            assertThat(client.orgs().all()).isTrue();
        });
    }

    @Test
    void findsNoClientForAnythingElse() {
        assertThat(keys.authenticate("")).isEmpty();
        assertThat(keys.authenticate(PLAIN.substring(1))).isEmpty();
        assertThat(keys.authenticate(PLAIN + " ")).isEmpty();
        assertThat(keys.authenticate(sha256Hex(HASHED))).isEmpty();
        assertThat(keys.authenticate("x".repeat(2000))).isEmpty();
    }

    @Test
    void keepsNoKeyInClearText() {
        assertThat(keys.toString()).doesNotContain(PLAIN);
        assertThat(new ApiKeyAuthentication(keys.authenticate(PLAIN).orElseThrow()).getCredentials())
                .isNull();
        assertThat(new ApiKeyAuthentication(keys.authenticate(PLAIN).orElseThrow()).toString())
                .doesNotContain(PLAIN);
    }
}
