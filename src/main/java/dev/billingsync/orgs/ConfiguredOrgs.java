package dev.billingsync.orgs;

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
 * The organizations configured in {@code billing.orgs}, in their order. Checked once at startup, so a configuration
 * that cannot work stops the application with the property to fix.
 */
@Component
public class ConfiguredOrgs {

    private static final Logger log = LoggerFactory.getLogger(ConfiguredOrgs.class);

    private final List<Org> orgs;
    private final Map<String, Org> byId = new HashMap<>();

    public ConfiguredOrgs(OrgProperties properties) {
        List<String> problems = new ArrayList<>();
        List<Org> resolved = new ArrayList<>();
        for (int i = 0; i < properties.orgs().size(); i++) {
            OrgProperties.Org org = properties.orgs().get(i);
            Org configured = new Org(org.id(), blankToNull(org.name()));
            if (byId.putIfAbsent(org.id(), configured) != null) {
                problems.add("billing.orgs[" + i + "].id: organization " + org.id() + " is configured twice");
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
    }

    public List<Org> all() {
        return orgs;
    }

    public Optional<Org> find(String orgId) {
        return Optional.ofNullable(byId.get(orgId));
    }

    static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
