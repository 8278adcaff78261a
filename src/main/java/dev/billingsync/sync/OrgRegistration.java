package dev.billingsync.sync;

import dev.billingsync.sync.ConfiguredOrgs.ConfiguredOrg;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Records the configured organizations in the database before the application takes traffic, so the API knows an
 * org before its first sync. Safe with several replicas starting at once; a changed display name is updated.
 */
@Component
class OrgRegistration {

    private final ConfiguredOrgs orgs;
    private final JdbcClient jdbc;

    OrgRegistration(ConfiguredOrgs orgs, JdbcClient jdbc) {
        this.orgs = orgs;
        this.jdbc = jdbc;
    }

    @EventListener(ApplicationStartedEvent.class)
    @Transactional
    public void registerConfiguredOrgs() {
        for (ConfiguredOrg org : orgs.all()) {
            jdbc.sql("""
                    insert into organizations (id, name) values (?, ?)
                    on conflict (id) do update set name = excluded.name
                    where organizations.name is distinct from excluded.name
                    """).params(org.id(), org.name()).update();
        }
    }
}
