package dev.billingsync.web;

import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The configured API keys, held only as SHA-256 digests. */
final class ApiKeys {

    /** Longer values are not keys; refusing them early keeps hashing cheap. */
    private static final int MAX_KEY_LENGTH = 1024;

    /** The caller behind a valid key. */
    record ApiClient(String name, Set<ApiRole> roles, OrgScope orgs) {}

    private record Entry(byte[] digest, ApiClient client) {}

    private final List<Entry> entries;

    ApiKeys(ApiSecurityProperties properties) {
        this.entries = properties.apiKeys().stream()
                .map(key -> new Entry(
                        Objects.requireNonNull(key.digestOrNull(), "validated by ApiSecurityProperties"),
                        new ApiClient(String.valueOf(key.name()).trim(), key.roles(), OrgScope.of(key.orgs()))))
                .toList();
    }

    /**
     * The client whose key this is. Every configured digest is compared, each in constant time, so the time taken
     * says nothing about which key came close.
     */
    Optional<ApiClient> authenticate(String presented) {
        if (presented.isEmpty() || presented.length() > MAX_KEY_LENGTH) {
            return Optional.empty();
        }
        byte[] digest = Sha256.of(presented);
        ApiClient match = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), digest) && match == null) {
                match = entry.client();
            }
        }
        return Optional.ofNullable(match);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    String names() {
        return entries.stream().map(entry -> entry.client().name()).collect(Collectors.joining(", "));
    }
}
