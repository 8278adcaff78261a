package dev.billingsync.invoices;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Line items and their tags read as rows with plain JDBC, on the connection of the caller's transaction (so inside its
 * snapshot). The API's hot reads: going through Hibernate cost more than the rows themselves, most of it a
 * {@code Calendar} built for every timestamp value. Streamed reads fetch {@value #FETCH_SIZE} rows at a time through a
 * cursor, so an invoice of any size is read in flat memory.
 */
@Component
class LineItemRows {

    static final int FETCH_SIZE = 1000;

    /**
     * The line columns in {@link LineRow}'s order; the caller adds the conditions. The table is aliased {@code l} as
     * when Hibernate wrote the query, so the line cursor reads the same in {@code pg_stat_activity}.
     */
    static final String SELECT_LINES = """
            select position, has_tags, cluster_name, created, start_date, end_date, group_id, group_name, sku, unit,
                quantity, unit_price_dollars, total_price_cents, discount_cents, percent_discount, tier_lower_bound,
                tier_upper_bound, note, stitch_app_name, cloud_provider
            from line_items l""";

    private static final String SELECT_TAGS =
            "select line_position, key, value from line_item_tags where invoice_id = ?";

    private static final String TAG_ORDER = " order by line_position, key_position, value_position";

    /** A line item row before its tags are attached ({@code untagged} has none). */
    record LineRow(int position, boolean hasTags, InvoiceLineItem untagged) {

        InvoiceLineItem response(@Nullable Map<String, List<String>> tags) {
            return tags == null ? untagged : untagged.withTags(Collections.unmodifiableMap(tags));
        }
    }

    /** One value of one tag key of line {@code line}. */
    record TagRow(int line, String key, @Nullable String value) {}

    private final JdbcClient jdbc;

    LineItemRows(DataSource dataSource) {
        JdbcTemplate template = new JdbcTemplate(dataSource);
        template.setFetchSize(FETCH_SIZE);
        this.jdbc = JdbcClient.create(template);
    }

    /** The stored line count of the invoice, empty when there is no such invoice. */
    List<Integer> lineItemCount(String invoiceId) {
        return jdbc.sql("select line_item_count from invoices where id = ?")
                .param(invoiceId)
                .query(Integer.class)
                .list();
    }

    /** The lines at positions {@code from} to {@code to}, in order. */
    List<LineRow> between(String invoiceId, int from, int to) {
        return jdbc.sql(SELECT_LINES + " where invoice_id = ? and position between ? and ? order by position")
                .params(invoiceId, from, to)
                .query(LineItemRows::line)
                .list();
    }

    /** How many lines {@code where} matches (a condition on {@code line_items}, parameters in order). */
    long count(String where, List<Object> params) {
        return jdbc.sql("select count(*) from line_items" + where)
                .params(params)
                .query(Long.class)
                .single();
    }

    /** The lines {@code where} matches, in order, from the {@code offset}th, at most {@code limit}. */
    List<LineRow> page(String where, List<Object> params, long offset, int limit) {
        return jdbc.sql(SELECT_LINES + where + " order by position offset ? limit ?")
                .params(params)
                .param(offset)
                .param(limit)
                .query(LineItemRows::line)
                .list();
    }

    /** Every line {@code where} matches, in order, from a cursor; close the stream. */
    Stream<LineRow> stream(String where, List<Object> params) {
        return jdbc.sql(SELECT_LINES + where + " order by position").params(params).query(LineItemRows::line).stream();
    }

    /** Every tag of the invoice, by line, key and value position, from a cursor; close the stream. */
    Stream<TagRow> streamTags(String invoiceId) {
        return jdbc.sql(SELECT_TAGS + TAG_ORDER).param(invoiceId).query(LineItemRows::tag).stream();
    }

    List<TagRow> tagsBetween(String invoiceId, int from, int to) {
        return jdbc.sql(SELECT_TAGS + " and line_position between ? and ?" + TAG_ORDER)
                .params(invoiceId, from, to)
                .query(LineItemRows::tag)
                .list();
    }

    List<TagRow> tagsOf(String invoiceId, Collection<Integer> lines) {
        return jdbc.sql(SELECT_TAGS + " and line_position = any (?)" + TAG_ORDER)
                .param(invoiceId)
                .param(lines.toArray(Integer[]::new))
                .query(LineItemRows::tag)
                .list();
    }

    private static LineRow line(ResultSet rs, int rowNum) throws SQLException {
        return new LineRow(
                rs.getInt(1),
                rs.getBoolean(2),
                new InvoiceLineItem(
                        rs.getString(3),
                        instant(rs, 4),
                        instant(rs, 5),
                        instant(rs, 6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9),
                        rs.getString(10),
                        rs.getBigDecimal(11),
                        rs.getBigDecimal(12),
                        whole(rs, 13),
                        whole(rs, 14),
                        rs.getBigDecimal(15),
                        rs.getBigDecimal(16),
                        rs.getBigDecimal(17),
                        rs.getString(18),
                        rs.getString(19),
                        rs.getString(20),
                        null));
    }

    private static TagRow tag(ResultSet rs, int rowNum) throws SQLException {
        return new TagRow(rs.getInt(1), rs.getString(2), rs.getString(3));
    }

    /** A {@code timestamptz}, read without the driver's {@code Calendar} path. */
    private static @Nullable Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static @Nullable Long whole(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
