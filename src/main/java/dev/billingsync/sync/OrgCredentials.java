package dev.billingsync.sync;

import dev.billingsync.atlas.AtlasCredentials;
import dev.billingsync.atlas.AtlasProperties;
import dev.billingsync.orgs.ConfiguredOrgs;
import dev.billingsync.orgs.InvalidConfigurationException;
import dev.billingsync.orgs.OrgProperties;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The configured organizations ({@link ConfiguredOrgs}), each with the credentials it will use: its own override, else
 * the global ones. Checked once at startup, so credentials that cannot work stop the application with the property
 * to fix.
 */
@Component
class OrgCredentials {

    private final List<ConfiguredOrg> orgs;
    private final Map<String, ConfiguredOrg> byId = new HashMap<>();
    private final @Nullable AtlasCredentials global;

    OrgCredentials(ConfiguredOrgs configured, OrgProperties orgProperties, AtlasProperties atlas) {
        List<String> problems = new ArrayList<>();
        Optional<AtlasCredentials> global = credentials(
                "billing.atlas",
                atlas.clientId(),
                atlas.clientSecret(),
                atlas.publicKey(),
                atlas.privateKey(),
                problems);
        List<ConfiguredOrg> resolved = new ArrayList<>();
        for (int i = 0; i < orgProperties.orgs().size(); i++) {
            OrgProperties.Org org = orgProperties.orgs().get(i);
            String prefix = "billing.orgs[" + i + "]";
            Optional<AtlasCredentials> own = credentials(
                    prefix, org.clientId(), org.clientSecret(), org.publicKey(), org.privateKey(), problems);
            Optional<AtlasCredentials> effective = own.isPresent() ? own : global;
            if (effective.isEmpty()) {
                problems.add(prefix + ": no Atlas credentials. Set billing.atlas.client-id and"
                        + " billing.atlas.client-secret (a service account), or " + prefix + ".client-id and "
                        + prefix + ".client-secret, or the legacy public-key/private-key pair");
                continue;
            }
            if (byId.containsKey(org.id())) {
                continue;
            }
            ConfiguredOrg ready = new ConfiguredOrg(
                    org.id(), configured.find(org.id()).orElseThrow().name(), effective.get());
            byId.put(org.id(), ready);
            resolved.add(ready);
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        this.orgs = List.copyOf(resolved);
        this.global = global.orElse(null);
    }

    /** The global credentials ({@code billing.atlas.*}), used by discovered orgs; empty when none are set. */
    Optional<AtlasCredentials> globalCredentials() {
        return Optional.ofNullable(global);
    }

    List<ConfiguredOrg> all() {
        return orgs;
    }

    Optional<ConfiguredOrg> find(String orgId) {
        return Optional.ofNullable(byId.get(orgId));
    }

    private static Optional<AtlasCredentials> credentials(
            String prefix,
            @Nullable String clientId,
            @Nullable String clientSecret,
            @Nullable String publicKey,
            @Nullable String privateKey,
            List<String> problems) {
        Optional<AtlasCredentials> serviceAccount = pair(
                        prefix, "client-id", clientId, "client-secret", clientSecret, problems)
                .map(p -> new AtlasCredentials.ServiceAccount(p[0], p[1]));
        Optional<AtlasCredentials> apiKey = pair(prefix, "public-key", publicKey, "private-key", privateKey, problems)
                .map(p -> new AtlasCredentials.ApiKey(p[0], p[1]));
        return serviceAccount.isPresent() ? serviceAccount : apiKey;
    }

    private static Optional<String[]> pair(
            String prefix,
            String firstName,
            @Nullable String first,
            String secondName,
            @Nullable String second,
            List<String> problems) {
        boolean hasFirst = first != null && !first.isBlank();
        boolean hasSecond = second != null && !second.isBlank();
        if (hasFirst && hasSecond) {
            return Optional.of(new String[] {first, second});
        }
        if (hasFirst) {
            problems.add(prefix + "." + secondName + " is required when " + prefix + "." + firstName + " is set");
        } else if (hasSecond) {
            problems.add(prefix + "." + firstName + " is required when " + prefix + "." + secondName + " is set");
        }
        return Optional.empty();
    }
}
