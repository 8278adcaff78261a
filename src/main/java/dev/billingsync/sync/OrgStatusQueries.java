package dev.billingsync.sync;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Each org's last successful sync and its latest run, in one query. */
@Component
class OrgStatusQueries {

    record OrgStatus(
            String orgId,
            @Nullable Instant lastSyncSucceededAt,
            @Nullable Long lastRunId,
            SyncRun.@Nullable Status lastRunStatus,
            @Nullable Instant lastRunStartedAt,
            @Nullable Instant lastRunFinishedAt,
            @Nullable LocalDate historySyncedFrom) {}

    private final JdbcClient jdbc;

    OrgStatusQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<OrgStatus> statusOf(Collection<String> orgIds) {
        return jdbc.sql("""
                select o.id, o.last_sync_succeeded_at, r.id, r.status, r.started_at, r.finished_at,
                    o.history_synced_from
                from organizations o
                left join lateral (
                    select id, status, started_at, finished_at from sync_runs
                    where org_id = o.id order by started_at desc, id desc limit 1
                ) r on true
                where o.id = any (?)
                """)
                .param(orgIds.toArray(String[]::new))
                .query((rs, n) -> new OrgStatus(
                        rs.getString(1),
                        instant(rs.getObject(2, OffsetDateTime.class)),
                        rs.getObject(3, Long.class),
                        rs.getString(4) == null ? null : SyncRun.Status.valueOf(rs.getString(4)),
                        instant(rs.getObject(5, OffsetDateTime.class)),
                        instant(rs.getObject(6, OffsetDateTime.class)),
                        rs.getObject(7, LocalDate.class)))
                .list();
    }

    private static @Nullable Instant instant(@Nullable OffsetDateTime timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
