package dev.billingsync.sync;

import dev.billingsync.atlas.AtlasClient;
import dev.billingsync.atlas.AtlasCredentials;
import dev.billingsync.atlas.AtlasOrganization;
import dev.billingsync.sync.ConfiguredOrgs.ConfiguredOrg;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The orgs to sync: the configured ones ({@link ConfiguredOrgs}) plus, with {@code billing.orgs-discovery.enabled},
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

    private final ConfiguredOrgs configured;
    private final OrgDiscoveryProperties discovery;
    private final @Nullable AtlasClient atlas;
    private final @Nullable JdbcClient jdbc;
    private final @Nullable TransactionTemplate transaction;
    private final Clock clock;
    private final Set<String> excluded;

    SyncedOrgs(
            ConfiguredOrgs configured,
            OrgDiscoveryProperties discovery,
            @Nullable AtlasClient atlas,
            @Nullable JdbcClient jdbc,
            @Nullable TransactionTemplate transaction,
            Clock clock) {
        this.configured = configured;
        this.discovery = discovery;
        this.atlas = atlas;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.clock = clock;
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
            record(List.copyOf(found.values()));
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

    /** Marks the listed orgs as discovered (registering new ones) and the others as no longer listed. */
    private void record(List<ConfiguredOrg> found) {
        Timestamp now = Timestamp.from(clock.instant());
        String[] ids = found.stream().map(ConfiguredOrg::id).toArray(String[]::new);
        transaction().executeWithoutResult(tx -> {
            for (ConfiguredOrg org : found) {
                jdbc().sql("""
                        insert into organizations (id, name, discovered_at) values (?, ?, ?)
                        on conflict (id) do update set
                            discovered_at = coalesce(organizations.discovered_at, excluded.discovered_at),
                            name = excluded.name
                        where organizations.discovered_at is null
                            or organizations.name is distinct from excluded.name
                        """).params(org.id(), org.name(), now).update();
            }
            jdbc().sql(
                            "update organizations set discovered_at = null where discovered_at is not null and id <> all (?)")
                    .param(ids)
                    .update();
        });
    }

    private List<ConfiguredOrg> discoveredInDatabase() {
        Optional<AtlasCredentials> credentials = configured.globalCredentials();
        if (credentials.isEmpty()) {
            return List.of();
        }
        return jdbc()
                .sql("select id, name from organizations where discovered_at is not null order by id")
                .query((rs, n) -> new ConfiguredOrg(rs.getString(1), rs.getString(2), credentials.get()))
                .list()
                .stream()
                .filter(org -> !excluded.contains(org.id())
                        && configured.find(org.id()).isEmpty())
                .toList();
    }

    private AtlasClient atlas() {
        if (atlas == null) {
            throw new IllegalStateException("no Atlas client");
        }
        return atlas;
    }

    private JdbcClient jdbc() {
        if (jdbc == null) {
            throw new IllegalStateException("no database");
        }
        return jdbc;
    }

    private TransactionTemplate transaction() {
        if (transaction == null) {
            throw new IllegalStateException("no database");
        }
        return transaction;
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
