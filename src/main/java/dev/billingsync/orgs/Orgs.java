package dev.billingsync.orgs;

import dev.billingsync.web.ApiException;
import dev.billingsync.web.CallerAccess;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The organizations known here (configured, discovered, or linked to a paying org) as the other modules see them:
 * whether one exists, what is recorded of it, and which ones the caller of the current request may see.
 */
@Component
public class Orgs {

    private final OrganizationRepository organizations;
    private final JdbcClient jdbc;
    private final CallerAccess access;

    Orgs(OrganizationRepository organizations, JdbcClient jdbc, CallerAccess access) {
        this.organizations = organizations;
        this.jdbc = jdbc;
        this.access = access;
    }

    /** The error of an org that is not synced here: 404 {@code ORG_NOT_FOUND}. */
    public static ApiException notFound(String orgId) {
        return ApiException.notFound("ORG_NOT_FOUND", "No organization with ID " + orgId + " is synced here.", orgId);
    }

    public boolean exists(String orgId) {
        return jdbc.sql("select exists (select 1 from organizations where id = ?)")
                .param(orgId)
                .query(Boolean.class)
                .single();
    }

    @Transactional(readOnly = true)
    public Optional<KnownOrg> find(String orgId) {
        return organizations.findById(orgId).map(Organization::view);
    }

    /** The orgs the latest successful Atlas listing discovered (of any replica), in id order. */
    public List<Org> discovered() {
        return jdbc.sql("select id, name from organizations where discovered_at is not null order by id")
                .query((rs, n) -> new Org(rs.getString(1), rs.getString(2)))
                .list();
    }

    /**
     * Throws a 403 unless the caller may read the org; whether it is known here is left to the caller, for a read
     * that learns it on the way (a row of the org found means the org is known).
     */
    public void requireReadable(String orgId) {
        access.requireRead(orgId);
    }

    /** Throws a 403 unless the caller may read the org, then a 404 unless it is known here. */
    public void requireVisible(String orgId) {
        access.requireRead(orgId);
        if (!exists(orgId)) {
            throw notFound(orgId);
        }
    }

    /** Throws a 403 unless the caller may read every one of the orgs, then a 404 unless each is known here. */
    public void requireVisible(Collection<String> orgIds) {
        orgIds.forEach(access::requireRead);
        orgIds.forEach(orgId -> {
            if (!exists(orgId)) {
                throw notFound(orgId);
            }
        });
    }

    /** Of these org ids, the ones the caller may read, in their order. */
    public Set<String> visible(Collection<String> orgIds) {
        return access.visible(orgIds);
    }

    /** Every org known here that the caller may read, in id order. */
    public Set<String> visible() {
        return access.visible(jdbc.sql("select id from organizations order by id")
                .query(String.class)
                .list());
    }
}
