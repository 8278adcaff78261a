package dev.billingsync.invoices;

import dev.billingsync.invoices.LineItemRows.LineRow;
import dev.billingsync.invoices.LineItemRows.TagRow;
import dev.billingsync.web.Page;
import dev.billingsync.web.PageRequest;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reads an invoice's line items with their tags, in upstream order: a page, or all of them streamed. A fixed number of
 * statements whatever the invoice's size; joins the snapshot of {@link InvoiceQueries} when called inside one.
 */
@Component
@Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
class LineItemQueries {

    /**
     * No line has this position. A page without tagged lines still asks for tags (of this position alone), so that a
     * page costs the same statements whatever its rows.
     */
    private static final int NO_LINE = -1;

    private final LineItemRows lineItems;

    LineItemQueries(LineItemRows lineItems) {
        this.lineItems = lineItems;
    }

    Page<InvoiceLineItem> page(String invoiceId, LineItemFilter filter, PageRequest page) {
        if (filter.equals(LineItemFilter.NONE)) {
            Page<InvoiceLineItem> byPosition = pageByPosition(invoiceId, page);
            if (byPosition != null) {
                return byPosition;
            }
        }
        return pageBySkipping(invoiceId, filter, page);
    }

    /**
     * An unfiltered page, straight from the primary key: the sync stores an invoice's lines at positions 0 to
     * {@code lineItemCount - 1} (their index in the upstream array), with that count on the invoice row, in one
     * transaction; so the page's rows are a range of positions and its total is the stored count. Skipping to the
     * 100,000th row and counting 200,000 per request made the 500-row page 50 times slower than its bytes. Null when
     * the rows read do not fit that layout (then the page is read the general way, by counting and skipping).
     */
    private @Nullable Page<InvoiceLineItem> pageByPosition(String invoiceId, PageRequest page) {
        List<Integer> counts = lineItems.lineItemCount(invoiceId);
        if (counts.isEmpty()) {
            return null;
        }
        long total = counts.get(0);
        long first = page.offset();
        int expected = (int) Math.max(0, Math.min(page.itemsPerPage(), total - first));
        if (expected == 0) {
            return first >= total ? new Page<>(List.of(), total) : null;
        }
        int from = (int) first;
        int to = from + expected - 1;
        List<LineRow> rows = lineItems.between(invoiceId, from, to);
        if (rows.size() != expected
                || rows.get(0).position() != from
                || rows.get(rows.size() - 1).position() != to) {
            return null;
        }
        Map<Integer, Map<String, List<String>>> tags = new HashMap<>();
        if (rows.stream().anyMatch(LineRow::hasTags)) {
            collect(tags, lineItems.tagsBetween(invoiceId, from, to));
        } else {
            // The same statements whatever the page's rows.
            collect(tags, lineItems.tagsBetween(invoiceId, NO_LINE, NO_LINE));
        }
        return new Page<>(withTags(rows, tags), total);
    }

    private Page<InvoiceLineItem> pageBySkipping(String invoiceId, LineItemFilter filter, PageRequest page) {
        Matching matching = Matching.of(invoiceId, filter);
        long total = lineItems.count(matching.where(), matching.params());
        List<LineRow> rows = lineItems.page(matching.where(), matching.params(), page.offset(), page.itemsPerPage());
        if (rows.isEmpty()) {
            return new Page<>(List.of(), total);
        }
        List<Integer> tagged = new ArrayList<>(
                rows.stream().filter(LineRow::hasTags).map(LineRow::position).toList());
        if (tagged.isEmpty()) {
            tagged.add(NO_LINE);
        }
        // Only the tags of exactly these lines: a filtered page may skip thousands of positions between its first and
        // last row, whose tags are none of its business.
        Map<Integer, Map<String, List<String>>> tags = new HashMap<>();
        collect(tags, lineItems.tagsOf(invoiceId, tagged));
        return new Page<>(withTags(rows, tags), total);
    }

    private static void collect(Map<Integer, Map<String, List<String>>> tags, List<TagRow> rows) {
        for (TagRow tag : rows) {
            List<String> values = tags.computeIfAbsent(tag.line(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(tag.key(), k -> new ArrayList<>());
            if (tag.value() != null) {
                values.add(tag.value());
            }
        }
    }

    private static List<InvoiceLineItem> withTags(List<LineRow> rows, Map<Integer, Map<String, List<String>>> tags) {
        return rows.stream()
                .map(row -> row.response(row.hasTags() ? tags.getOrDefault(row.position(), Map.of()) : null))
                .toList();
    }

    /**
     * Streams every matching line item in upstream order, with its tags, without holding them in memory: rows and
     * tags are read side by side from two ordered cursors.
     */
    void stream(String invoiceId, LineItemFilter filter, Consumer<InvoiceLineItem> consumer) {
        Matching matching = Matching.of(invoiceId, filter);
        try (Stream<TagRow> tagRows = lineItems.streamTags(invoiceId);
                Stream<LineRow> lineRows = lineItems.stream(matching.where(), matching.params())) {
            TagCursor tagCursor = new TagCursor(tagRows.iterator());
            lineRows.forEach(
                    row -> consumer.accept(row.response(row.hasTags() ? tagCursor.tagsOf(row.position()) : null)));
        }
    }

    /**
     * The conditions of a filter, only those it sets (a condition on an absent criterion would be a parameter
     * PostgreSQL cannot type, and a plan that cannot use the group and SKU indexes); dates are UTC days. Parameters in
     * the order of their placeholders.
     */
    private record Matching(String where, List<Object> params) {

        static Matching of(String invoiceId, LineItemFilter filter) {
            StringBuilder where = new StringBuilder(" where invoice_id = ?");
            List<Object> params = new ArrayList<>();
            params.add(invoiceId);
            if (filter.groupId() != null) {
                where.append(" and group_id = ?");
                params.add(filter.groupId());
            }
            if (filter.clusterName() != null) {
                where.append(" and cluster_name = ?");
                params.add(filter.clusterName());
            }
            if (filter.sku() != null) {
                where.append(" and sku = ?");
                params.add(filter.sku());
            }
            if (filter.fromDate() != null) {
                where.append(" and start_date >= ?");
                params.add(startOfDay(filter.fromDate()));
            }
            if (filter.toDate() != null) {
                where.append(" and end_date <= ?");
                params.add(startOfDay(filter.toDate().plusDays(1)));
            }
            return new Matching(where.toString(), params);
        }

        private static OffsetDateTime startOfDay(LocalDate date) {
            return date.atStartOfDay().atOffset(ZoneOffset.UTC);
        }
    }

    /** Walks the ordered tag rows alongside the ordered line rows. */
    private static final class TagCursor {

        private final Iterator<TagRow> source;
        private @Nullable TagRow next;

        TagCursor(Iterator<TagRow> source) {
            this.source = source;
        }

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
}
