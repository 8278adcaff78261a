package dev.billingsync.orgs;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The one writer of {@code organizations}: registers the configured orgs before the application takes traffic (safe
 * with several replicas starting at once; a changed display name is updated), the discovered ones, and those met
 * through a paying org's invoices, and keeps each org's sync bookkeeping. Every method joins the caller's transaction.
 */
@Component
public class OrgRegistry {

    private final ConfiguredOrgs configured;
    private final OrganizationRepository organizations;
    private final JdbcClient jdbc;
    private final Clock clock;

    OrgRegistry(ConfiguredOrgs configured, OrganizationRepository organizations, JdbcClient jdbc, Clock clock) {
        this.configured = configured;
        this.organizations = organizations;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @EventListener(ApplicationStartedEvent.class)
    @Transactional
    public void registerConfiguredOrgs() {
        for (Org org : configured.all()) {
            jdbc.sql("""
                    insert into organizations (id, name) values (?, ?)
                    on conflict (id) do update set name = excluded.name
                    where organizations.name is distinct from excluded.name
                    """).params(org.id(), org.name()).update();
        }
    }

    /** Marks the listed orgs as discovered (registering new ones) and the others as no longer listed. */
    @Transactional
    public void recordDiscovered(List<Org> found) {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        String[] ids = found.stream().map(Org::id).toArray(String[]::new);
        for (Org org : found) {
            jdbc.sql("""
                    insert into organizations (id, name, discovered_at) values (?, ?, ?)
                    on conflict (id) do update set
                        discovered_at = coalesce(organizations.discovered_at, excluded.discovered_at),
                        name = excluded.name
                    where organizations.discovered_at is null
                        or organizations.name is distinct from excluded.name
                    """).params(org.id(), org.name(), now).update();
        }
        jdbc.sql("update organizations set discovered_at = null where discovered_at is not null and id <> all (?)")
                .param(ids)
                .update();
    }

    /** An org's run starts: the org is registered if new, else its display name follows {@code name}. */
    @Transactional
    public void runStarting(String orgId, @Nullable String name, Instant now) {
        organizations
                .findById(orgId)
                .ifPresentOrElse(org -> org.rename(name), () -> organizations.save(new Organization(orgId, name, now)));
    }

    /** An org's run ended; {@code succeededAt} is when, if it succeeded. */
    @Transactional
    public void runFinished(String orgId, long runId, @Nullable Instant succeededAt) {
        organizations.findById(orgId).orElseThrow().finishedRun(runId, succeededAt);
    }

    /**
     * A paying org's pending list can carry its linked orgs' invoices; each is stored under its own org, which is
     * registered (without a name) the first time one of its invoices arrives this way.
     */
    @Transactional
    public void registerLinkedOrg(String orgId, Instant now) {
        if (!organizations.existsById(orgId)) {
            organizations.saveAndFlush(new Organization(orgId, null, now));
        }
    }

    /** The SHA-256 of the pending-invoices payload last stored for the org; null before one. */
    @Transactional(readOnly = true)
    public @Nullable String pendingPayloadSha256(String orgId) {
        return organizations.findById(orgId).orElseThrow().pendingPayloadSha256();
    }

    /** Remembers the exact pending-invoices payload now stored, so an identical one next time costs no parsing. */
    @Transactional
    public void storedPendingPayload(String orgId, String sha256) {
        organizations.findById(orgId).orElseThrow().storedPendingPayload(sha256);
    }

    /** The org's invoice list from {@code from} on was reconciled without a failure. */
    @Transactional
    public void historySyncedFrom(String orgId, LocalDate from) {
        organizations.findById(orgId).orElseThrow().historySyncedFrom(from);
    }
}
