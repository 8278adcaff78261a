package dev.billingsync.sync;

import dev.billingsync.atlas.AtlasClient;
import dev.billingsync.atlas.AtlasCredentials;
import dev.billingsync.atlas.AtlasOrganization;
import dev.billingsync.orgs.InvalidConfigurationException;
import dev.billingsync.orgs.Org;
import dev.billingsync.orgs.OrgDiscoveryProperties;
import dev.billingsync.orgs.OrgRegistry;
import dev.billingsync.orgs.Orgs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The orgs to sync: the configured ones ({@link OrgCredentials}) plus, with {@code billing.orgs-discovery.enabled},
 * every org the global credentials can see in Atlas, minus {@code billing.orgs-discovery.exclude}. The Atlas list is
 * read again for every round; which orgs it held is kept in {@code organizations.discovered_at}, so every replica
 * (and the API) knows them, and an org that left the list is no longer synced but keeps its data.
 */
@Component
class SyncedOrgs {

    private static final Logger log = LoggerFactory.getLogger(SyncedOrgs.class);

    /** Where an org to sync comes from; shown by {@code GET /api/v1/orgs} as {@code source}. */
    enum Source {
        CONFIGURED,
        DISCOVERED
    }

    private final OrgCredentials configured;
    private final OrgDiscoveryProperties discovery;
    private final @Nullable AtlasClient atlas;
    private final @Nullable Orgs known;
    private final @Nullable OrgRegistry registry;
    private final Set<String> excluded;

    SyncedOrgs(
            OrgCredentials configured,
            OrgDiscoveryProperties discovery,
            @Nullable AtlasClient atlas,
            @Nullable Orgs known,
            @Nullable OrgRegistry registry) {
        this.configured = configured;
        this.discovery = discovery;
        this.atlas = atlas;
        this.known = known;
        this.registry = registry;
        this.excluded = Set.copyOf(discovery.exclude());
        if (discovery.enabled() && configured.globalCredentials().isEmpty()) {
            throw new InvalidConfigurationException(List.of("billing.orgs-discovery.enabled: discovery lists and syncs"
                    + " orgs with the global credentials; set billing.atlas.client-id and billing.atlas.client-secret"
                    + " (a service account) or the legacy billing.atlas.public-key/private-key pair"));
        }
    }

    /**
     * The orgs of a round: the configured ones, then (with discovery) those Atlas lists now. When Atlas cannot be
     * asked, the orgs discovered by the last successful listing (of any replica) stand in.
     */
    List<ConfiguredOrg> forRound() {
        if (!discovery.enabled()) {
            return configured.all();
        }
        List<ConfiguredOrg> round = new ArrayList<>(configured.all());
        round.addAll(discover());
        return List.copyOf(round);
    }

    /** An org that may be synced now: a configured one, or one the latest listing discovered. */
    Optional<ConfiguredOrg> find(String orgId) {
        Optional<ConfiguredOrg> own = configured.find(orgId);
        if (own.isPresent() || !discovery.enabled() || excluded.contains(orgId)) {
            return own;
        }
        return discoveredInDatabase().stream()
                .filter(org -> org.id().equals(orgId))
                .findFirst();
    }

    /** Every org shown by the API: the configured ones, then the discovered ones, with their source. */
    Map<ConfiguredOrg, Source> all() {
        Map<ConfiguredOrg, Source> all = new LinkedHashMap<>();
        configured.all().forEach(org -> all.put(org, Source.CONFIGURED));
        if (discovery.enabled()) {
            discoveredInDatabase().forEach(org -> all.putIfAbsent(org, Source.DISCOVERED));
        }
        return all;
    }

    private List<ConfiguredOrg> discover() {
        AtlasCredentials credentials = configured.globalCredentials().orElseThrow();
        List<AtlasOrganization> listed;
        try {
            listed = atlas().organizations(credentials);
        } catch (RuntimeException e) {
            log.error(
                    "Could not list the Atlas orgs to discover; this round syncs the orgs discovered before: {}",
                    e.getMessage());
            return discoveredInDatabase();
        }
        Map<String, ConfiguredOrg> found = new LinkedHashMap<>();
        for (AtlasOrganization org : listed) {
            if (!org.deleted()
                    && org.id() != null
                    && org.id().matches("^[a-f0-9]{24}$")
                    && !excluded.contains(org.id())
                    && configured.find(org.id()).isEmpty()) {
                found.putIfAbsent(org.id(), new ConfiguredOrg(org.id(), blankToNull(org.name()), credentials));
            }
        }
        try {
            registry()
                    .recordDiscovered(found.values().stream()
                            .map(org -> new Org(org.id(), org.name()))
                            .toList());
        } catch (RuntimeException e) {
            log.error("Could not record the discovered orgs; syncing them all the same", e);
        }
        log.info(
                "Org discovery: {} org(s) listed by Atlas, {} to sync besides the {} configured",
                listed.size(),
                found.size(),
                configured.all().size());
        return List.copyOf(found.values());
    }

    private List<ConfiguredOrg> discoveredInDatabase() {
        Optional<AtlasCredentials> credentials = configured.globalCredentials();
        if (credentials.isEmpty()) {
            return List.of();
        }
        return known().discovered().stream()
                .filter(org -> !excluded.contains(org.id())
                        && configured.find(org.id()).isEmpty())
                .map(org -> new ConfiguredOrg(org.id(), org.name(), credentials.get()))
                .toList();
    }

    private AtlasClient atlas() {
        if (atlas == null) {
            throw new IllegalStateException("no Atlas client");
        }
        return atlas;
    }

    private Orgs known() {
        if (known == null) {
            throw new IllegalStateException("no database");
        }
        return known;
    }

    private OrgRegistry registry() {
        if (registry == null) {
            throw new IllegalStateException("no database");
        }
        return registry;
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
