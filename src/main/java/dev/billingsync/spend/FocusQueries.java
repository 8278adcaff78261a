package dev.billingsync.spend;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The line items of the invoices whose billing period starts in a month, for FOCUS: one statement through a cursor,
 * in org, period and upstream order, so memory does not grow with the export.
 */
@Component
@Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
class FocusQueries {

    // The billing currency and credit price come from the invoice's first payment; a pending invoice has none yet,
    // so the org's last known ones stand in, an estimate until the invoice is paid.
    private static final String SQL = """
            select i.org_id, o.name, i.id, i.start_date, i.end_date,
                   coalesce(pay.currency, known.currency), coalesce(pay.unit_price, known.unit_price),
                   l.sku, l.start_date, l.end_date, l.created, l.quantity, l.unit, l.unit_price_dollars,
                   l.total_price_cents, l.percent_discount, l.tier_lower_bound, l.tier_upper_bound, l.group_id,
                   l.group_name, l.cluster_name, l.cloud_provider,
                   case when l.has_tags then (select json_agg(json_build_array(t.key, t.value)
                                                       order by t.key_position, t.value_position)::text
                                              from line_item_tags t
                                              where t.invoice_id = l.invoice_id and t.line_position = l.position)
                   end
            from invoices i
            join organizations o on o.id = i.org_id
            left join lateral (select p.currency, p.unit_price from payments p where p.invoice_id = i.id
                               order by p.position limit 1) pay on true
            left join lateral (select p.currency, p.unit_price from payments p join invoices earlier
                                   on earlier.id = p.invoice_id
                               where pay.currency is null and earlier.org_id = i.org_id
                                 and earlier.start_date < i.start_date and p.currency is not null
                               order by earlier.start_date desc, p.position limit 1) known on true
            cross join lateral (select * from line_items l where l.invoice_id = i.id offset 0) l
            where i.org_id = any (string_to_array(:orgs, ','))
              and i.start_date >= :from and i.start_date < :to
            order by i.org_id, i.start_date, i.id, l.position
            """;

    private final JdbcClient jdbc;
    private final JsonMapper mapper;

    FocusQueries(JdbcClient jdbc, JsonMapper mapper) {
        this.jdbc = jdbc;
        this.mapper = mapper;
    }

    void stream(Collection<String> orgIds, YearMonth billingPeriod, Consumer<FocusLine> consumer) {
        try (var lines = jdbc
                .sql(SQL)
                .param("orgs", String.join(",", orgIds))
                .param("from", SpendQueries.startOfDay(billingPeriod.atDay(1)))
                .param("to", SpendQueries.startOfDay(billingPeriod.plusMonths(1).atDay(1)))
                .withFetchSize(1000)
                .query((rs, n) -> line(rs))
                .stream()) {
            lines.forEach(consumer);
        }
    }

    private FocusLine line(ResultSet rs) throws SQLException {
        // The period start is never null here: the statement selects invoices by it.
        Instant periodStart = Objects.requireNonNull(SpendQueries.instant(rs, 4));
        return new FocusLine(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                periodStart,
                SpendQueries.instant(rs, 5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                SpendQueries.instant(rs, 9),
                SpendQueries.instant(rs, 10),
                SpendQueries.instant(rs, 11),
                rs.getBigDecimal(12),
                rs.getString(13),
                rs.getBigDecimal(14),
                rs.getObject(15, Long.class),
                rs.getBigDecimal(16),
                rs.getBigDecimal(17),
                rs.getBigDecimal(18),
                rs.getString(19),
                rs.getString(20),
                rs.getString(21),
                rs.getString(22),
                tags(rs.getString(23)));
    }

    /** {@code [[key, value], ...]} in upstream order to {@code key -> values}; a null value is a key without one. */
    private @Nullable Map<String, List<String>> tags(@Nullable String pairs) {
        if (pairs == null) {
            return null;
        }
        Map<String, List<String>> tags = new LinkedHashMap<>();
        for (JsonNode pair : mapper.readTree(pairs)) {
            List<String> values = tags.computeIfAbsent(pair.get(0).asString(), k -> new ArrayList<>());
            if (!pair.get(1).isNull()) {
                values.add(pair.get(1).asString());
            }
        }
        return tags;
    }
}
