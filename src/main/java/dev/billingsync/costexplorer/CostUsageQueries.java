package dev.billingsync.costexplorer;

import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/** Cost Explorer usage and query history for the API, from PostgreSQL; a page and its count in one snapshot. */
@Component
@Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
public class CostUsageQueries {

    public record Slice<T>(List<T> results, long total) {}

    private final JdbcClient jdbc;

    public CostUsageQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Usage rows of months in [startDate, endDate), newest month first, in upstream order within a month. */
    public Slice<UsageResponse> usage(
            String orgId,
            @Nullable LocalDate startDate,
            @Nullable LocalDate endDate,
            @Nullable String groupBy,
            long offset,
            int limit) {
        StringBuilder where = new StringBuilder(" from cost_usage where org_id = :org");
        Map<String, Object> params = new HashMap<>();
        params.put("org", orgId);
        if (startDate != null) {
            where.append(" and usage_date >= :start");
            params.put("start", Date.valueOf(startDate));
        }
        if (endDate != null) {
            where.append(" and usage_date < :end");
            params.put("end", Date.valueOf(endDate));
        }
        if (groupBy != null) {
            where.append(" and group_by = :groupBy");
            params.put("groupBy", groupBy);
        }
        long total = jdbc.sql("select count(*)" + where)
                .params(params)
                .query(Long.class)
                .single();
        List<UsageResponse> rows = jdbc.sql("select org_id, usage_date, group_by, dimension_id, dimension_name,"
                        + " invoice_id, service, usage_amount" + where
                        + " order by usage_date desc, group_by, position limit :limit offset :offset")
                .params(params)
                .param("limit", limit)
                .param("offset", offset)
                .query((rs, n) -> new UsageResponse(
                        rs.getString(1),
                        rs.getDate(2).toLocalDate(),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getBigDecimal(8)))
                .list();
        return new Slice<>(rows, total);
    }

    public Slice<CostQueryResponse> queries(String orgId, long offset, int limit) {
        long total = jdbc.sql("select count(*) from cost_explorer_queries where org_id = ?")
                .param(orgId)
                .query(Long.class)
                .single();
        List<CostQueryResponse> rows = jdbc.sql("""
                select id, org_id, sync_run_id, group_by, start_date, end_date, state, created_at, completed_at,
                    polls, recreated, rows_returned, error_code, error_detail
                from cost_explorer_queries where org_id = ? order by created_at desc, id desc limit ? offset ?
                """)
                .params(orgId, limit, offset)
                .query((rs, n) -> new CostQueryResponse(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getObject(3, Long.class),
                        rs.getString(4),
                        rs.getDate(5).toLocalDate(),
                        rs.getDate(6).toLocalDate(),
                        rs.getString(7),
                        instant(rs, 8),
                        instant(rs, 9),
                        rs.getInt(10),
                        rs.getInt(11),
                        rs.getObject(12, Integer.class),
                        rs.getString(13),
                        rs.getString(14)))
                .list();
        return new Slice<>(rows, total);
    }

    private static @Nullable Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
