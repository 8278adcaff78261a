package dev.billingsync.invoices;

import dev.billingsync.invoices.LineItemRepository.LineRow;
import dev.billingsync.invoices.LineItemRepository.TagRow;
import dev.billingsync.web.Page;
import dev.billingsync.web.PageRequest;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.hibernate.jpa.HibernateHints;
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

    private final LineItemRepository lineItems;
    private final EntityManager entityManager;

    LineItemQueries(LineItemRepository lineItems, EntityManager entityManager) {
        this.lineItems = lineItems;
        this.entityManager = entityManager;
    }

    Page<LineItemResponse> page(String invoiceId, LineItemFilter filter, PageRequest page) {
        if (filter.equals(LineItemFilter.NONE)) {
            Page<LineItemResponse> byPosition = pageByPosition(invoiceId, page);
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
    private @Nullable Page<LineItemResponse> pageByPosition(String invoiceId, PageRequest page) {
        List<Integer> counts = entityManager
                .createQuery("select i.lineItemCount from Invoice i where i.id = :invoiceId", Integer.class)
                .setParameter("invoiceId", invoiceId)
                .getResultList();
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
        List<LineRow> rows = entityManager
                .createQuery(
                        LineItemRepository.SELECT_LINES
                                + " where l.id.invoiceId = :invoiceId and l.id.position between :from and :to"
                                + " order by l.id.position",
                        LineRow.class)
                .setParameter("invoiceId", invoiceId)
                .setParameter("from", from)
                .setParameter("to", to)
                .getResultList();
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

    private Page<LineItemResponse> pageBySkipping(String invoiceId, LineItemFilter filter, PageRequest page) {
        Matching matching = Matching.of(invoiceId, filter);
        long total = matching.bind(
                        entityManager.createQuery("select count(*) from LineItem l" + matching.where(), Long.class))
                .getSingleResult();
        List<LineRow> rows = matching.bind(matching.lines(entityManager))
                // No invoice has 2^31 lines: past that, the page is empty either way.
                .setFirstResult((int) Math.min(page.offset(), Integer.MAX_VALUE))
                .setMaxResults(page.itemsPerPage())
                .getResultList();
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

    private static List<LineItemResponse> withTags(List<LineRow> rows, Map<Integer, Map<String, List<String>>> tags) {
        return rows.stream()
                .map(row -> row.response(row.hasTags() ? tags.getOrDefault(row.position(), Map.of()) : null))
                .toList();
    }

    /**
     * Streams every matching line item in upstream order, with its tags, without holding them in memory: rows and
     * tags are read side by side from two ordered cursors.
     */
    void stream(String invoiceId, LineItemFilter filter, Consumer<LineItemResponse> consumer) {
        Matching matching = Matching.of(invoiceId, filter);
        try (Stream<TagRow> tagRows = lineItems.streamTags(invoiceId);
                Stream<LineRow> lineRows = matching.bind(matching.lines(entityManager))
                        .setHint(HibernateHints.HINT_FETCH_SIZE, LineItemRepository.FETCH_SIZE)
                        .getResultStream()) {
            TagCursor tagCursor = new TagCursor(tagRows.iterator());
            lineRows.forEach(
                    row -> consumer.accept(row.response(row.hasTags() ? tagCursor.tagsOf(row.position()) : null)));
        }
    }

    /**
     * The conditions of a filter, only those it sets (a condition on an absent criterion would be a parameter
     * PostgreSQL cannot type, and a plan that cannot use the group and SKU indexes); dates are UTC days.
     */
    private record Matching(String where, Map<String, Object> params) {

        static Matching of(String invoiceId, LineItemFilter filter) {
            StringBuilder where = new StringBuilder(" where l.id.invoiceId = :invoiceId");
            Map<String, Object> params = new HashMap<>();
            params.put("invoiceId", invoiceId);
            if (filter.groupId() != null) {
                where.append(" and l.groupId = :groupId");
                params.put("groupId", filter.groupId());
            }
            if (filter.clusterName() != null) {
                where.append(" and l.clusterName = :clusterName");
                params.put("clusterName", filter.clusterName());
            }
            if (filter.sku() != null) {
                where.append(" and l.sku = :sku");
                params.put("sku", filter.sku());
            }
            if (filter.fromDate() != null) {
                where.append(" and l.startDate >= :from");
                params.put("from", startOfDay(filter.fromDate()));
            }
            if (filter.toDate() != null) {
                where.append(" and l.endDate <= :to");
                params.put("to", startOfDay(filter.toDate().plusDays(1)));
            }
            return new Matching(where.toString(), params);
        }

        TypedQuery<LineRow> lines(EntityManager entityManager) {
            return entityManager.createQuery(
                    LineItemRepository.SELECT_LINES + where + " order by l.id.position", LineRow.class);
        }

        <T> TypedQuery<T> bind(TypedQuery<T> query) {
            params.forEach(query::setParameter);
            return query;
        }

        private static Instant startOfDay(LocalDate date) {
            return date.atStartOfDay(ZoneOffset.UTC).toInstant();
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
