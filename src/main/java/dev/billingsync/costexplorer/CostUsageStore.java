package dev.billingsync.costexplorer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Cost Explorer query records and usage rows. A month's rows of one org and grouping are replaced as a set in one
 * transaction, and only when the new set differs from the stored one (by content hash): readers see the old set or
 * the new one, and an unchanged result rewrites nothing.
 */
@Component
public class CostUsageStore {

    /** How a Cost Explorer query ended. */
    public enum QueryState {
        RUNNING,
        READY,
        TIMED_OUT,
        FAILED
    }

    private final JdbcClient jdbc;
    private final Clock clock;

    public CostUsageStore(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional
    public long startQuery(
            String orgId,
            @Nullable Long syncRunId,
            String groupBy,
            LocalDate start,
            LocalDate end,
            String requestJson) {
        return jdbc.sql("""
                insert into cost_explorer_queries (org_id, sync_run_id, group_by, start_date, end_date, request,
                    state, created_at)
                values (?, ?, ?, ?, ?, ?::jsonb, 'RUNNING', ?)
                returning id
                """)
                .params(
                        orgId,
                        syncRunId,
                        groupBy,
                        Date.valueOf(start),
                        Date.valueOf(end),
                        requestJson,
                        Timestamp.from(clock.instant()))
                .query(Long.class)
                .single();
    }

    /**
     * When the org's latest query of {@code groupBy} over exactly these months completed READY (its usage stored),
     * empty if none did.
     */
    @Transactional(readOnly = true)
    public Optional<Instant> lastReady(String orgId, String groupBy, LocalDate start, LocalDate end) {
        return jdbc.sql("""
                select completed_at from cost_explorer_queries
                where org_id = ? and group_by = ? and start_date = ? and end_date = ? and state = 'READY'
                    and completed_at is not null
                order by completed_at desc limit 1
                """)
                .params(orgId, groupBy, Date.valueOf(start), Date.valueOf(end))
                .query(Timestamp.class)
                .optional()
                .map(Timestamp::toInstant);
    }

    @Transactional
    public void finishQuery(
            long queryId,
            QueryState state,
            @Nullable String token,
            int polls,
            int recreated,
            @Nullable Integer rowsReturned,
            @Nullable String errorCode,
            @Nullable String errorDetail) {
        jdbc.sql("""
                update cost_explorer_queries set state = ?, token = ?, polls = ?, recreated = ?, rows_returned = ?,
                    error_code = ?, error_detail = ?, completed_at = ?
                where id = ?
                """)
                .params(
                        state.name(),
                        token,
                        polls,
                        recreated,
                        rowsReturned,
                        errorCode,
                        errorDetail,
                        Timestamp.from(clock.instant()),
                        queryId)
                .update();
    }

    /**
     * Replaces the usage of each queried month whose rows changed, all in one transaction. Months queried but absent
     * from {@code rowsByMonth} had no usage: their stored rows, if any, are removed. Returns the rows written.
     */
    @Transactional
    public int replaceMonths(
            String orgId,
            String groupBy,
            long queryId,
            List<LocalDate> months,
            Map<LocalDate, List<UpstreamUsageRow>> rowsByMonth) {
        int written = 0;
        for (LocalDate month : months) {
            List<UpstreamUsageRow> rows = rowsByMonth.getOrDefault(month, List.of());
            String hash = hash(rows);
            Optional<String> stored = jdbc.sql("select content_sha256 from cost_usage_months"
                            + " where org_id = ? and group_by = ? and usage_date = ? for update")
                    .params(orgId, groupBy, Date.valueOf(month))
                    .query(String.class)
                    .optional();
            if (stored.isPresent() && stored.get().equals(hash)) {
                continue;
            }
            jdbc.sql("delete from cost_usage_months where org_id = ? and group_by = ? and usage_date = ?")
                    .params(orgId, groupBy, Date.valueOf(month))
                    .update();
            jdbc.sql("""
                    insert into cost_usage_months (org_id, group_by, usage_date, content_sha256, row_count, query_id,
                        replaced_at)
                    values (?, ?, ?, ?, ?, ?, ?)
                    """)
                    .params(
                            orgId,
                            groupBy,
                            Date.valueOf(month),
                            hash,
                            rows.size(),
                            queryId,
                            Timestamp.from(clock.instant()))
                    .update();
            int position = 0;
            for (UpstreamUsageRow row : rows) {
                jdbc.sql("""
                        insert into cost_usage (org_id, group_by, usage_date, position, dimension_id, dimension_name,
                            invoice_id, service, usage_amount)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                        .params(
                                orgId,
                                groupBy,
                                Date.valueOf(month),
                                position++,
                                row.dimensionId(),
                                row.dimensionName(),
                                row.invoiceId(),
                                row.service(),
                                row.usageAmount())
                        .update();
            }
            written += rows.size();
        }
        return written;
    }

    /** SHA-256 over the rows in order, each field length-prefixed so no two different sets hash alike. */
    static String hash(List<UpstreamUsageRow> rows) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (UpstreamUsageRow row : rows) {
            List<String> fields = new ArrayList<>();
            fields.add(row.usageDate().toString());
            fields.add(row.dimensionId());
            fields.add(row.dimensionName());
            fields.add(row.invoiceId());
            fields.add(row.service());
            fields.add(row.usageAmount().toString());
            for (String field : fields) {
                byte[] bytes = field == null ? new byte[0] : field.getBytes(StandardCharsets.UTF_8);
                digest.update((byte) (field == null ? 0 : 1));
                digest.update(new byte[] {
                    (byte) (bytes.length >>> 24),
                    (byte) (bytes.length >>> 16),
                    (byte) (bytes.length >>> 8),
                    (byte) bytes.length
                });
                digest.update(bytes);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
