package dev.billingsync.invoices;

import dev.billingsync.invoices.InvoiceResponse.PaymentResponse;
import dev.billingsync.invoices.InvoiceResponse.RefundResponse;
import dev.billingsync.web.Link;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads invoices for the API, always from PostgreSQL (never from Atlas). Each read is a fixed number of SQL statements
 * whatever the invoice's size: one per table, never one per row. Each read runs in one read-only REPEATABLE READ
 * transaction, so all its statements see the same snapshot: a sync committing between two of them can never mix its
 * version with the previous one (READ COMMITTED, PostgreSQL's default, gives every statement its own snapshot).
 */
@Component
@Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
public class InvoiceQueries {

    /** A page of results and the total number matching. */
    public record Slice<T>(List<T> results, long total) {}

    private static final String HEADER_COLUMNS = "id, org_id, status_name, start_date, end_date, created, updated,"
            + " amount_billed_cents, amount_paid_cents, credits_cents, sales_tax_cents, starting_balance_cents,"
            + " subtotal_cents, is_pending, missing_upstream_at";
    private static final String LINE_COLUMNS = "position, cluster_name, created, start_date, end_date, group_id,"
            + " group_name, sku, unit, quantity, unit_price_dollars, total_price_cents, discount_cents,"
            + " percent_discount, tier_lower_bound, tier_upper_bound, note, stitch_app_name, cloud_provider, has_tags";

    private static final JsonMapper RAW = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private final JdbcClient jdbc;

    public InvoiceQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The current pending invoice id of each of these orgs that has one. */
    public Map<String, String> pendingInvoiceIds(Collection<String> orgIds) {
        Map<String, String> ids = new HashMap<>();
        // Ordered so that, should an org briefly have two pending invoices, the latest period's wins.
        jdbc.sql(
                        "select org_id, id from invoices where is_pending and org_id = any (?) order by start_date nulls first")
                .param(orgIds.toArray(String[]::new))
                .query((ResultSet rs) -> {
                    ids.put(rs.getString(1), rs.getString(2));
                });
        return ids;
    }

    /** The project ids seen in the org's stored line items, for Cost Explorer's projects filter. */
    public List<String> projectIds(String orgId) {
        return jdbc.sql("select distinct l.group_id from line_items l join invoices i on i.id = l.invoice_id"
                        + " where i.org_id = ? and l.group_id is not null order by l.group_id")
                .param(orgId)
                .query(String.class)
                .list();
    }

    /**
     * Runs {@code read} in one read-only snapshot: every query of this class it calls joins it, so a response built
     * from several of them (an invoice checked, then written from its cursors) shows one state of the database.
     */
    public <T> T inSnapshot(Supplier<T> read) {
        return read.get();
    }

    /** The ids of the org's pending invoices, in the order they are listed. */
    public List<String> pendingInvoiceIds(String orgId) {
        return jdbc.sql("select id from invoices where org_id = ? and is_pending order by start_date, id")
                .param(orgId)
                .query(String.class)
                .list();
    }

    public boolean invoiceExists(String orgId, String invoiceId) {
        return jdbc.sql("select exists (select 1 from invoices where id = ? and org_id = ?)")
                .params(invoiceId, orgId)
                .query(Boolean.class)
                .single();
    }

    public Slice<InvoiceMetadataResponse> invoices(String orgId, InvoiceFilter filter, long offset, int limit) {
        StringBuilder where = new StringBuilder(" from invoices where org_id = :org");
        Map<String, Object> params = new HashMap<>();
        params.put("org", orgId);
        if (!filter.statusNames().isEmpty()) {
            where.append(" and status_name = any (:statuses)");
            params.put("statuses", filter.statusNames().toArray(String[]::new));
        }
        if (filter.fromDate() != null) {
            where.append(" and start_date >= :from");
            params.put("from", startOfDay(filter.fromDate()));
        }
        if (filter.toDate() != null) {
            where.append(" and end_date <= :to");
            params.put("to", startOfDay(filter.toDate().plusDays(1)));
        }
        if (filter.updatedSince() != null) {
            // Changed content, or flagged missing upstream since: both are news to a finance app that pulls changes.
            where.append(" and (content_changed_at >= :updatedSince or missing_upstream_at >= :updatedSince)");
            params.put("updatedSince", Timestamp.from(filter.updatedSince()));
        }
        long total = jdbc.sql("select count(*)" + where)
                .params(params)
                .query(Long.class)
                .single();
        String column = filter.sortBy() == InvoiceFilter.SortBy.START_DATE ? "start_date" : "end_date";
        String direction = filter.orderBy() == InvoiceFilter.Order.ASC ? "asc nulls first" : "desc nulls last";
        List<InvoiceMetadataResponse> results = jdbc.sql("select " + HEADER_COLUMNS + where + " order by " + column
                        + " " + direction + ", id limit :limit offset :offset")
                .params(params)
                .param("limit", limit)
                .param("offset", offset)
                .query((rs, n) -> new InvoiceMetadataResponse(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        instant(rs, 4),
                        instant(rs, 5),
                        instant(rs, 6),
                        instant(rs, 7),
                        longOrNull(rs, 8),
                        longOrNull(rs, 9),
                        longOrNull(rs, 10),
                        longOrNull(rs, 11),
                        longOrNull(rs, 12),
                        longOrNull(rs, 13),
                        rs.getBoolean(14),
                        instant(rs, 15)))
                .list();
        return new Slice<>(results, total);
    }

    public Slice<LineItemResponse> lineItems(String invoiceId, LineItemFilter filter, long offset, int limit) {
        Conditions where = lineConditions(invoiceId, filter);
        long total = jdbc.sql("select count(*) from line_items l" + where.sql())
                .params(where.params())
                .query(Long.class)
                .single();
        List<Line> lines = jdbc.sql("select " + LINE_COLUMNS + " from line_items l" + where.sql()
                        + " order by position limit :limit offset :offset")
                .params(where.params())
                .param("limit", limit)
                .param("offset", offset)
                .query((rs, n) -> line(rs))
                .list();
        Integer[] tagged =
                lines.stream().filter(Line::hasTags).map(Line::position).toArray(Integer[]::new);
        // Asked even when no line of the page is tagged, so that a page costs the same statements whatever its rows.
        Map<Integer, Map<String, List<String>>> tags = lines.isEmpty() ? Map.of() : tags(invoiceId, tagged);
        return new Slice<>(lines.stream().map(l -> l.withTags(tags)).toList(), total);
    }

    /**
     * Streams every matching line item in upstream order, with its tags, without holding them in memory: rows and
     * tags are read side by side from two ordered queries.
     */
    public void streamLineItems(String invoiceId, LineItemFilter filter, Consumer<LineItemResponse> consumer) {
        Conditions where = lineConditions(invoiceId, filter);
        TagCursor tagCursor = new TagCursor();
        try (var tagRows = jdbc
                        .sql("select line_position, key, value from line_item_tags where invoice_id = :invoice"
                                + " order by line_position, key_position, value_position")
                        .param("invoice", invoiceId)
                        .withFetchSize(1000)
                        .query((rs, n) -> new TagRow(rs.getInt(1), rs.getString(2), rs.getString(3)))
                        .stream();
                var lineRows = jdbc
                        .sql("select " + LINE_COLUMNS + " from line_items l" + where.sql() + " order by position")
                        .params(where.params())
                        .withFetchSize(1000)
                        .query((rs, n) -> line(rs))
                        .stream()) {
            tagCursor.source = tagRows.iterator();
            lineRows.forEach(line ->
                    consumer.accept(line.toResponse(line.hasTags() ? tagCursor.tagsOf(line.position()) : null)));
        }
    }

    /**
     * Writes one full invoice of the org, in the field order of {@link InvoiceResponse}, from database cursors: line
     * items and their tags are read side by side and written one at a time, so memory does not grow with the
     * invoice. A fixed number of statements whatever its size. Call it inside {@link #inSnapshot}, after checking the
     * invoice exists.
     */
    public void writeInvoice(JsonGenerator json, String orgId, String invoiceId, List<Link> links) {
        jdbc.sql("select " + HEADER_COLUMNS + " from invoices where id = ? and org_id = ?")
                .params(invoiceId, orgId)
                .query((ResultSet rs) -> {
                    json.writeStartObject();
                    json.writeStringProperty("id", rs.getString(1));
                    json.writeStringProperty("orgId", rs.getString(2));
                    optional(json, "statusName", rs.getString(3));
                    optional(json, "startDate", instant(rs, 4));
                    optional(json, "endDate", instant(rs, 5));
                    optional(json, "created", instant(rs, 6));
                    optional(json, "updated", instant(rs, 7));
                    optional(json, "amountBilledCents", longOrNull(rs, 8));
                    optional(json, "amountPaidCents", longOrNull(rs, 9));
                    optional(json, "creditsCents", longOrNull(rs, 10));
                    optional(json, "salesTaxCents", longOrNull(rs, 11));
                    optional(json, "startingBalanceCents", longOrNull(rs, 12));
                    optional(json, "subtotalCents", longOrNull(rs, 13));
                    optional(json, "missingUpstreamAt", instant(rs, 15));
                });
        json.writeName("lineItems");
        json.writeStartArray();
        streamLineItems(invoiceId, LineItemFilter.NONE, json::writePOJO);
        json.writeEndArray();
        json.writeName("payments");
        json.writePOJO(jdbc.sql("select id, status_name, created, updated, currency, amount_billed_cents,"
                        + " amount_paid_cents, sales_tax_cents, subtotal_cents, unit_price from payments"
                        + " where invoice_id = ? order by position")
                .param(invoiceId)
                .query((rs, n) -> new PaymentResponse(
                        rs.getString(1),
                        rs.getString(2),
                        instant(rs, 3),
                        instant(rs, 4),
                        rs.getString(5),
                        longOrNull(rs, 6),
                        longOrNull(rs, 7),
                        longOrNull(rs, 8),
                        longOrNull(rs, 9),
                        rs.getString(10)))
                .list());
        json.writeName("refunds");
        json.writePOJO(jdbc.sql("select amount_cents, created, payment_id, reason from refunds"
                        + " where invoice_id = ? order by position")
                .param(invoiceId)
                .query((rs, n) ->
                        new RefundResponse(longOrNull(rs, 1), instant(rs, 2), rs.getString(3), rs.getString(4)))
                .list());
        json.writeName("linkedInvoices");
        json.writePOJO(jdbc.sql("select raw::text from linked_invoices where invoice_id = ? order by position")
                .param(invoiceId)
                .query((rs, n) -> RAW.readTree(rs.getString(1)))
                .list());
        json.writeName("links");
        json.writePOJO(links);
        json.writeEndObject();
    }

    /** A field of the invoice header, left out when the column is null (absent upstream, absent here). */
    private static void optional(JsonGenerator json, String name, @Nullable Object value) {
        if (value != null) {
            json.writeName(name);
            json.writePOJO(value);
        }
    }

    /**
     * The tags of exactly these lines: a filtered page may skip thousands of positions between its first and last row,
     * whose tags are none of its business.
     */
    private Map<Integer, Map<String, List<String>>> tags(String invoiceId, Integer[] positions) {
        Map<Integer, Map<String, List<String>>> tags = new HashMap<>();
        jdbc.sql("select line_position, key, value from line_item_tags where invoice_id = ?"
                        + " and line_position = any (?) order by line_position, key_position, value_position")
                .params(invoiceId, positions)
                .query((ResultSet rs) -> {
                    addTag(tags, rs.getInt(1), rs.getString(2), rs.getString(3));
                });
        return tags;
    }

    private static void addTag(
            Map<Integer, Map<String, List<String>>> tags, int line, String key, @Nullable String value) {
        List<String> values =
                tags.computeIfAbsent(line, k -> new LinkedHashMap<>()).computeIfAbsent(key, k -> new ArrayList<>());
        if (value != null) {
            values.add(value);
        }
    }

    private record Conditions(String sql, Map<String, Object> params) {}

    private static Conditions lineConditions(String invoiceId, LineItemFilter filter) {
        StringBuilder sql = new StringBuilder(" where l.invoice_id = :invoice");
        Map<String, Object> params = new HashMap<>();
        params.put("invoice", invoiceId);
        if (filter.groupId() != null) {
            sql.append(" and l.group_id = :groupId");
            params.put("groupId", filter.groupId());
        }
        if (filter.clusterName() != null) {
            sql.append(" and l.cluster_name = :clusterName");
            params.put("clusterName", filter.clusterName());
        }
        if (filter.sku() != null) {
            sql.append(" and l.sku = :sku");
            params.put("sku", filter.sku());
        }
        if (filter.fromDate() != null) {
            sql.append(" and l.start_date >= :from");
            params.put("from", startOfDay(filter.fromDate()));
        }
        if (filter.toDate() != null) {
            sql.append(" and l.end_date <= :to");
            params.put("to", startOfDay(filter.toDate().plusDays(1)));
        }
        return new Conditions(sql.toString(), params);
    }

    private static Timestamp startOfDay(LocalDate date) {
        return Timestamp.from(date.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    /** A line item row before its tags are attached. */
    private record Line(int position, boolean hasTags, LineItemResponse withoutTags) {

        LineItemResponse withTags(Map<Integer, Map<String, List<String>>> tags) {
            return hasTags ? toResponse(tags.getOrDefault(position, Map.of())) : withoutTags;
        }

        LineItemResponse toResponse(@Nullable Map<String, List<String>> tags) {
            LineItemResponse l = withoutTags;
            return new LineItemResponse(
                    l.clusterName(),
                    l.created(),
                    l.startDate(),
                    l.endDate(),
                    l.groupId(),
                    l.groupName(),
                    l.sku(),
                    l.unit(),
                    l.quantity(),
                    l.unitPriceDollars(),
                    l.totalPriceCents(),
                    l.discountCents(),
                    l.percentDiscount(),
                    l.tierLowerBound(),
                    l.tierUpperBound(),
                    l.note(),
                    l.stitchAppName(),
                    l.cloudProvider(),
                    tags == null ? null : Collections.unmodifiableMap(tags));
        }
    }

    private static Line line(ResultSet rs) throws SQLException {
        return line(rs, 0);
    }

    /** Reads {@link #LINE_COLUMNS} starting after column {@code skip}. */
    private static Line line(ResultSet rs, int skip) throws SQLException {
        int c = skip;
        return new Line(
                rs.getInt(c + 1),
                rs.getBoolean(c + 20),
                new LineItemResponse(
                        rs.getString(c + 2),
                        instant(rs, c + 3),
                        instant(rs, c + 4),
                        instant(rs, c + 5),
                        rs.getString(c + 6),
                        rs.getString(c + 7),
                        rs.getString(c + 8),
                        rs.getString(c + 9),
                        decimal(rs, c + 10),
                        decimal(rs, c + 11),
                        longOrNull(rs, c + 12),
                        longOrNull(rs, c + 13),
                        decimal(rs, c + 14),
                        decimal(rs, c + 15),
                        decimal(rs, c + 16),
                        rs.getString(c + 17),
                        rs.getString(c + 18),
                        rs.getString(c + 19),
                        null));
    }

    private record TagRow(int line, String key, @Nullable String value) {}

    /** Walks the ordered tag rows alongside the ordered line rows. */
    private static final class TagCursor {

        Iterator<TagRow> source = Collections.emptyIterator();
        private @Nullable TagRow next;

        Map<String, List<String>> tagsOf(int line) {
            Map<String, List<String>> tags = new LinkedHashMap<>();
            while (true) {
                if (next == null) {
                    if (!source.hasNext()) {
                        return tags;
                    }
                    next = source.next();
                }
                if (next.line() < line) {
                    next = null;
                    continue;
                }
                if (next.line() > line) {
                    return tags;
                }
                List<String> values = tags.computeIfAbsent(next.key(), k -> new ArrayList<>());
                if (next.value() != null) {
                    values.add(next.value());
                }
                next = null;
            }
        }
    }

    private static @Nullable Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    private static @Nullable Long longOrNull(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static @Nullable BigDecimal decimal(ResultSet rs, int column) throws SQLException {
        return rs.getBigDecimal(column);
    }
}
