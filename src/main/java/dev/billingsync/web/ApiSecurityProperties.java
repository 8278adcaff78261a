package dev.billingsync.web;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The static API clients ({@code billing.security.api-keys[N].*}). A client sends its key in the {@code X-API-Key}
 * header.
 *
 * <ul>
 *   <li>{@code name}: required, unique; shown in logs as the caller's name.
 *   <li>{@code key}: the key in plain text, at least {@value #MIN_KEY_LENGTH} characters (e.g. {@code openssl rand
 *       -hex 32}); or instead
 *   <li>{@code key-sha256}: the key's SHA-256 digest as 64 hex digits ({@code printf %s "$KEY" | sha256sum}), so that
 *       the configuration never holds the key itself. Exactly one of {@code key} and {@code key-sha256}.
 *   <li>{@code roles}: {@code READ} (every GET), {@code SYNC} (start syncs); neither implies the other.
 *   <li>{@code orgs}: the Atlas org ids the client may see, or {@code *} alone for every org.
 * </ul>
 *
 * Keys are compared as SHA-256 digests in constant time and never logged or shown. The record validates itself while
 * it is bound, so that every problem is reported at once, each naming its property and none showing a key. With no
 * keys and no JWT issuer configured, every API call is refused with a 401.
 *
 * @param apiKeys the clients; none by default
 */
@ConfigurationProperties("billing.security")
record ApiSecurityProperties(@DefaultValue List<ApiKey> apiKeys) {

    static final int MIN_KEY_LENGTH = 16;

    private static final String PREFIX = "billing.security.api-keys";
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern ORG_ID = Pattern.compile(AtlasId.REGEXP);

    ApiSecurityProperties {
        apiKeys = List.copyOf(apiKeys);
        List<String> problems = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> digests = new HashMap<>();
        for (int i = 0; i < apiKeys.size(); i++) {
            ApiKey apiKey = apiKeys.get(i);
            String property = PREFIX + "[" + i + "]";
            problems.addAll(apiKey.problems(property));
            if (apiKey.name() != null && !apiKey.name().isBlank()) {
                Integer first = names.putIfAbsent(apiKey.name().trim(), i);
                if (first != null) {
                    problems.add(property + ".name: the same name as " + PREFIX + "[" + first + "].name");
                }
            }
            byte[] digest = apiKey.digestOrNull();
            if (digest != null) {
                Integer first = digests.putIfAbsent(HexFormat.of().formatHex(digest), i);
                if (first != null) {
                    problems.add(property + ": the same key as " + PREFIX + "[" + first + "]");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "Invalid API key configuration:\n  - " + String.join("\n  - ", problems));
        }
    }

    /**
     * One API client.
     *
     * @param name unique name of the client, used in logs
     * @param key the key in plain text, at least 16 characters
     * @param keySha256 instead of {@code key}: the key's SHA-256 digest, 64 hex digits
     * @param roles {@code READ} and/or {@code SYNC}
     * @param orgs the org ids the client may see, or {@code *} for all
     */
    record ApiKey(
            @Nullable String name,
            @Nullable String key,
            @Nullable String keySha256,
            @DefaultValue Set<ApiRole> roles,
            @DefaultValue List<String> orgs) {

        ApiKey {
            roles = Set.copyOf(roles);
            orgs = List.copyOf(orgs);
        }

        private List<String> problems(String property) {
            List<String> problems = new ArrayList<>();
            if (name == null || name.isBlank()) {
                problems.add(property + ".name is required");
            }
            if (key != null && keySha256 != null) {
                problems.add(property + ": set either .key or .key-sha256, not both");
            } else if (key == null && keySha256 == null) {
                problems.add(property + ".key (or .key-sha256) is required");
            } else if (key != null) {
                if (key.length() < MIN_KEY_LENGTH) {
                    problems.add(property + ".key must be at least " + MIN_KEY_LENGTH + " characters long");
                } else if (!key.equals(key.strip())) {
                    problems.add(property + ".key must not start or end with whitespace");
                }
            } else if (!SHA256_HEX.matcher(keySha256).matches()) {
                problems.add(property + ".key-sha256 must be the key's SHA-256 digest: 64 hexadecimal digits");
            }
            if (roles.isEmpty()) {
                problems.add(property + ".roles must list READ and/or SYNC");
            }
            if (orgs.isEmpty()) {
                problems.add(property + ".orgs must list org ids, or * for every org");
            } else if (orgs.contains(OrgScope.ALL_ORGS) && orgs.size() > 1) {
                problems.add(property + ".orgs: use * alone or a list of org ids, not both");
            } else {
                for (int j = 0; j < orgs.size(); j++) {
                    String org = orgs.get(j);
                    if (!org.equals(OrgScope.ALL_ORGS) && !ORG_ID.matcher(org).matches()) {
                        problems.add(property + ".orgs[" + j + "] must be an Atlas org id (24 lower-case hex digits)"
                                + " or *, was \"" + org + "\"");
                    }
                }
            }
            return problems;
        }

        /** The SHA-256 digest the presented key is compared with; {@code null} while the entry is invalid. */
        @Nullable
        byte[] digestOrNull() {
            if (key != null && keySha256 == null && key.length() >= MIN_KEY_LENGTH) {
                return Sha256.of(key);
            }
            if (key == null
                    && keySha256 != null
                    && SHA256_HEX.matcher(keySha256).matches()) {
                return HexFormat.of().parseHex(keySha256);
            }
            return null;
        }

        @Override
        public String toString() {
            return "ApiKey[name=" + name + ", roles=" + roles + ", orgs=" + orgs + "]";
        }
    }

    @Override
    public String toString() {
        return "ApiSecurityProperties[apiKeys=" + apiKeys + "]";
    }
}
