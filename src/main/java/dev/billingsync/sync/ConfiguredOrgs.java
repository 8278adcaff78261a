package dev.billingsync.sync;

import dev.billingsync.atlas.AtlasCredentials;
import dev.billingsync.atlas.AtlasProperties;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The organizations to sync, each with the credentials it will use: its own override, else the global ones. Checked
 * once at startup, so a configuration that cannot work stops the application with the property to fix.
 */
@Component
public class ConfiguredOrgs {

    /** An organization ready to sync. */
    public record ConfiguredOrg(String id, @Nullable String name, AtlasCredentials credentials) {}

    private static final Logger log = LoggerFactory.getLogger(ConfiguredOrgs.class);

    private final List<ConfiguredOrg> orgs;
    private final Map<String, ConfiguredOrg> byId = new HashMap<>();
    private final @Nullable AtlasCredentials global;

    public ConfiguredOrgs(OrgProperties orgProperties, AtlasProperties atlas) {
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
            ConfiguredOrg configured = new ConfiguredOrg(org.id(), blankToNull(org.name()), effective.get());
            ConfiguredOrg previous = byId.putIfAbsent(org.id(), configured);
            if (previous != null) {
                problems.add(prefix + ".id: organization " + org.id() + " is configured twice");
                continue;
            }
            resolved.add(configured);
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        if (resolved.isEmpty()) {
            log.warn("No organizations configured (billing.orgs[N].id): nothing will be synced");
        }
        this.orgs = List.copyOf(resolved);
        this.global = global.orElse(null);
    }

    /** The global credentials ({@code billing.atlas.*}), used by discovered orgs; empty when none are set. */
    public Optional<AtlasCredentials> globalCredentials() {
        return Optional.ofNullable(global);
    }

    public List<ConfiguredOrg> all() {
        return orgs;
    }

    public Optional<ConfiguredOrg> find(String orgId) {
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
        boolean hasFirst = blankToNull(first) != null;
        boolean hasSecond = blankToNull(second) != null;
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

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
