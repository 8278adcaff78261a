package dev.billingsync.spend;

import dev.billingsync.web.Page;
import dev.billingsync.web.PageRequest;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Spend sums and forecast inputs, aggregated in PostgreSQL: sums of {@code bigint} cents are {@code numeric} there
 * and {@link BigDecimal} here, never a floating-point number. A spend query reads only the line items of the invoices
 * of the orgs asked for, by the {@code (invoice_id, start_date)} index, within the dates asked for. Each read is one
 * statement in a read-only REPEATABLE READ transaction (a cursor needs the transaction; the snapshot keeps a page, its
 * count and its totals one state).
 */
@Component
@Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
class SpendQueries {

    /** A page of rows and the totals over the rows of all pages. */
    record Result(Page<SpendRow> page, SpendTotals totals) {

        static final Result EMPTY = new Result(Page.empty(), new SpendTotals(0, 0, 0));
    }

    /** The lines of one project (or none) on one usage day. */
    record DailyTotal(
            LocalDate day,
            @Nullable String groupId,
            @Nullable String groupName,
            long totalPriceCents) {}

    /** An org's current pending invoice and the month its billing period starts in. */
    record PendingInvoice(String id, @Nullable Instant startDate) {}

    /**
     * The lines of invoice {@code i} in the range, read by {@code line_items_invoice_usage_idx}. {@code offset 0} keeps
     * the subquery a per-invoice index range scan: flattened into a plain join, the planner may prefer one scan of
     * every line item when the range spans most of the stored dates, reading other orgs' lines to throw them away.
     */
    static final String LINES_OF_INVOICE = " cross join lateral (select * from line_items l where l.invoice_id = i.id"
            + " and l.start_date >= :from and l.start_date < :to offset 0) l";

    private final JdbcClient jdbc;

    SpendQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Result page(SpendQuery query, PageRequest page) {
        Grouped grouped = grouped(query);
        String sql = grouped.cte()
                + " select tot.c, tot.t, tot.d, tot.n, p.* from"
                + " (select count(*) c, coalesce(sum(t), 0) t, coalesce(sum(d), 0) d, coalesce(sum(n), 0) n from g) tot"
                + " left join lateral (select * from g" + grouped.orderBy() + " limit :limit offset :offset) p on true";
        List<SpendRow> rows = new ArrayList<>();
        long[] totals = new long[4];
        jdbc.sql(sql)
                .params(grouped.params())
                .param("limit", page.itemsPerPage())
                .param("offset", page.offset())
                .query((ResultSet rs) -> {
                    totals[0] = rs.getLong(1);
                    totals[1] = exact(rs, 2);
                    totals[2] = exact(rs, 3);
                    totals[3] = exact(rs, 4);
                    if (rs.getObject(4 + query.keys().size() + 4) != null) {
                        rows.add(row(rs, 4, query.keys()));
                    }
                });
        return new Result(new Page<>(rows, totals[0]), new SpendTotals(totals[1], totals[2], totals[3]));
    }

    /** Every row in order, through a cursor: memory does not grow with the number of rows. */
    void stream(SpendQuery query, Consumer<SpendRow> consumer) {
        Grouped grouped = grouped(query);
        try (var rows = jdbc
                .sql(grouped.cte() + " select * from g" + grouped.orderBy())
                .params(grouped.params())
                .withFetchSize(1000)
                .query((rs, n) -> row(rs, 0, query.keys()))
                .stream()) {
            rows.forEach(consumer);
        }
    }

    /** The org's current pending invoice: of several (Atlas may list more than one), the latest billing period. */
    Optional<PendingInvoice> pendingInvoice(String orgId) {
        return jdbc.sql("select id, start_date from invoices where org_id = ? and is_pending"
                        + " order by start_date desc nulls last, id limit 1")
                .param(orgId)
                .query((rs, n) -> new PendingInvoice(rs.getString(1), instant(rs, 2)))
                .optional();
    }

    /** The invoice's lines summed per usage day (UTC) and project; lines without a usage date do not count. */
    List<DailyTotal> dailyTotals(String invoiceId) {
        return jdbc.sql("select (l.start_date at time zone 'UTC')::date, l.group_id, max(l.group_name collate \"C\"),"
                        + " coalesce(sum(l.total_price_cents), 0) from line_items l"
                        + " where l.invoice_id = ? and l.start_date is not null group by 1, 2")
                .param(invoiceId)
                .query((rs, n) -> new DailyTotal(
                        rs.getObject(1, LocalDate.class), rs.getString(2), rs.getString(3), exact(rs, 4)))
                .list();
    }

    /** The statement's grouped rows as a CTE {@code g(k0.., gn, t, d, n)}, and their order. */
    private record Grouped(String cte, String orderBy, Map<String, Object> params) {}

    private static Grouped grouped(SpendQuery query) {
        List<SpendKey> keys = query.keys();
        StringBuilder select = new StringBuilder();
        StringBuilder joins = new StringBuilder();
        StringBuilder groupBy = new StringBuilder();
        StringBuilder orderBy = new StringBuilder(" order by t desc");
        Map<String, Object> params = new HashMap<>();
        String groupName = "null::text";
        for (int k = 0; k < keys.size(); k++) {
            SpendKey key = keys.get(k);
            String expression = key.kind().sql;
            if (key.kind() == SpendKey.Kind.TAG) {
                // A line counts once under its values of the key sorted and joined by ',' (byte order), or under
                // null when it has no value for the key: rows then always add up to the totals.
                String tag = "tag" + k;
                joins.append(" left join lateral (select string_agg(t.value, ',' order by t.value collate \"C\") v")
                        .append(" from line_item_tags t where l.has_tags and t.invoice_id = l.invoice_id")
                        .append(" and t.line_position = l.position and t.key = :")
                        .append(tag)
                        .append(") ")
                        .append(tag)
                        .append(" on true");
                params.put(tag, key.tagKey());
                expression = tag + ".v";
            }
            if (key.kind() == SpendKey.Kind.GROUP_ID) {
                // A renamed project keeps one row: the name sorting last in byte order stands for it.
                groupName = "max(l.group_name collate \"C\")";
            }
            select.append(expression).append(" k").append(k).append(", ");
            groupBy.append(k == 0 ? "" : ", ").append(k + 1);
            orderBy.append(", k").append(k).append(" collate \"C\" nulls last");
        }
        params.put("orgs", String.join(",", query.orgIds()));
        params.put("from", Timestamp.from(startOfDay(query.startDate())));
        params.put("to", Timestamp.from(startOfDay(query.endDate())));
        String cte = "with g as (select " + select + groupName + " gn,"
                + " coalesce(sum(l.total_price_cents), 0) t, coalesce(sum(l.discount_cents), 0) d, count(*) n"
                + " from invoices i" + LINES_OF_INVOICE + joins
                + " where i.org_id = any (string_to_array(:orgs, ','))"
                + " group by " + groupBy + ")";
        return new Grouped(cte, orderBy.toString(), params);
    }

    /** A row of {@code g} whose columns start after column {@code skip}. */
    private static SpendRow row(ResultSet rs, int skip, List<SpendKey> keys) throws SQLException {
        List<@Nullable String> values = new ArrayList<>(keys.size());
        for (int k = 0; k < keys.size(); k++) {
            values.add(rs.getString(skip + k + 1));
        }
        int c = skip + keys.size();
        return new SpendRow(keys, values, rs.getString(c + 1), exact(rs, c + 2), exact(rs, c + 3), rs.getLong(c + 4));
    }

    /** A numeric sum as a long; one that does not fit is an error, never a wrapped number. */
    private static long exact(ResultSet rs, int column) throws SQLException {
        BigDecimal value = rs.getBigDecimal(column);
        return value == null ? 0 : value.longValueExact();
    }

    private static @Nullable Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    static Instant startOfDay(LocalDate date) {
        return date.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** What a spend request asks for, validated: orgs the caller may read, a half-open range of usage days. */
    record SpendQuery(Collection<String> orgIds, LocalDate startDate, LocalDate endDate, List<SpendKey> keys) {

        SpendQuery {
            orgIds = List.copyOf(orgIds);
            keys = List.copyOf(keys);
        }
    }
}
