package dev.billingsync.invoices;

import dev.billingsync.web.Link;
import dev.billingsync.web.Page;
import dev.billingsync.web.PageRequest;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.JsonGenerator;

/**
 * Reads invoices for the API, always from PostgreSQL (never from Atlas). Each read is a fixed number of SQL statements
 * whatever the invoice's size: one per table, never one per row. Each read runs in one read-only REPEATABLE READ
 * transaction, so all its statements see the same snapshot: a sync committing between two of them can never mix its
 * version with the previous one (READ COMMITTED, PostgreSQL's default, gives every statement its own snapshot).
 */
@Component
@Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
public class InvoiceQueries {

    private final InvoiceRepository invoices;
    private final LineItemRepository lineItems;
    private final LineItemQueries lineItemQueries;
    private final EntityManager entityManager;

    InvoiceQueries(
            InvoiceRepository invoices,
            LineItemRepository lineItems,
            LineItemQueries lineItemQueries,
            EntityManager entityManager) {
        this.invoices = invoices;
        this.lineItems = lineItems;
        this.lineItemQueries = lineItemQueries;
        this.entityManager = entityManager;
    }

    /** The current pending invoice id of each of these orgs that has one. */
    public Map<String, String> pendingInvoiceIds(Collection<String> orgIds) {
        Map<String, String> ids = new HashMap<>();
        if (orgIds.isEmpty()) {
            return ids;
        }
        // Ordered so that, should an org briefly have two pending invoices, the latest period's wins.
        invoices.pendingOf(orgIds).forEach(row -> ids.put(row.orgId(), row.id()));
        return ids;
    }

    /** The project ids seen in the org's stored line items, for Cost Explorer's projects filter. */
    public List<String> projectIds(String orgId) {
        return lineItems.groupIdsOf(orgId);
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
        return invoices.pendingIdsOf(orgId);
    }

    public Page<InvoiceMetadataResponse> invoices(String orgId, InvoiceFilter filter, PageRequest page) {
        StringBuilder where = new StringBuilder(" from Invoice i where i.orgId = :org");
        Map<String, Object> params = new HashMap<>();
        params.put("org", orgId);
        if (!filter.statusNames().isEmpty()) {
            where.append(" and i.header.statusName in :statuses");
            params.put("statuses", filter.statusNames());
        }
        if (filter.fromDate() != null) {
            where.append(" and i.header.startDate >= :from");
            params.put("from", startOfDay(filter.fromDate()));
        }
        if (filter.toDate() != null) {
            where.append(" and i.header.endDate <= :to");
            params.put("to", startOfDay(filter.toDate().plusDays(1)));
        }
        if (filter.updatedSince() != null) {
            // Changed content, or flagged missing upstream since: both are news to a finance app that pulls changes.
            where.append(" and (i.contentChangedAt >= :updatedSince or i.missingUpstreamAt >= :updatedSince)");
            params.put("updatedSince", filter.updatedSince());
        }
        long total = bind(entityManager.createQuery("select count(*)" + where, Long.class), params)
                .getSingleResult();
        String attribute =
                filter.sortBy() == InvoiceFilter.SortBy.START_DATE ? "i.header.startDate" : "i.header.endDate";
        String direction = filter.orderBy() == InvoiceFilter.Order.ASC ? " asc nulls first" : " desc nulls last";
        List<InvoiceMetadataResponse> results = bind(
                        entityManager.createQuery(
                                InvoiceRepository.SELECT_HEADER + where + " order by " + attribute + direction
                                        + ", i.id",
                                InvoiceMetadataResponse.class),
                        params)
                // No org has 2^31 invoices: past that, the page is empty either way.
                .setFirstResult((int) Math.min(page.offset(), Integer.MAX_VALUE))
                .setMaxResults(page.itemsPerPage())
                .getResultList();
        return new Page<>(results, total);
    }

    public Page<InvoiceLineItem> lineItems(String invoiceId, LineItemFilter filter, PageRequest page) {
        return lineItemQueries.page(invoiceId, filter, page);
    }

    /**
     * Streams every matching line item in upstream order, with its tags, without holding them in memory: rows and
     * tags are read side by side from two ordered queries.
     */
    public void streamLineItems(String invoiceId, LineItemFilter filter, Consumer<InvoiceLineItem> consumer) {
        lineItemQueries.stream(invoiceId, filter, consumer);
    }

    /** The links an invoice names, given its org and id. */
    @FunctionalInterface
    public interface InvoiceLinks {
        List<Link> of(String orgId, String invoiceId);
    }

    /**
     * Writes one full invoice of the org, in the field order of {@link InvoiceResponse}, from database cursors: line
     * items and their tags are read side by side and written one at a time, so memory does not grow with the
     * invoice. The linked orgs' invoices a paying org's invoice nests are written the same way, each from its own
     * stored copy. A fixed number of statements per invoice written, whatever its size. Call it inside
     * {@link #inSnapshot}, after checking the invoice exists.
     */
    public void writeInvoice(JsonGenerator json, String orgId, String invoiceId, InvoiceLinks links) {
        InvoiceMetadataResponse header = invoices.header(invoiceId, orgId)
                .orElseThrow(() -> new IllegalStateException("Invoice " + invoiceId + " was checked, then not found"));
        writeInvoice(json, header, links, new HashSet<>());
    }

    /** {@code writing} holds the invoices being written around this one, so a cycle of links cannot recurse. */
    private void writeInvoice(
            JsonGenerator json, InvoiceMetadataResponse header, InvoiceLinks links, Set<String> writing) {
        String invoiceId = header.id();
        writing.add(invoiceId);
        json.writeStartObject();
        json.writeStringProperty("id", invoiceId);
        json.writeStringProperty("orgId", header.orgId());
        InvoiceHeader h = header.header();
        optional(json, "statusName", h.statusName());
        optional(json, "startDate", h.startDate());
        optional(json, "endDate", h.endDate());
        optional(json, "created", h.created());
        optional(json, "updated", h.updated());
        optional(json, "amountBilledCents", h.amounts().amountBilledCents());
        optional(json, "amountPaidCents", h.amounts().amountPaidCents());
        optional(json, "creditsCents", h.amounts().creditsCents());
        optional(json, "salesTaxCents", h.amounts().salesTaxCents());
        optional(json, "startingBalanceCents", h.amounts().startingBalanceCents());
        optional(json, "subtotalCents", h.amounts().subtotalCents());
        optional(json, "missingUpstreamAt", header.missingUpstreamAt());
        json.writeName("lineItems");
        json.writeStartArray();
        lineItemQueries.stream(invoiceId, LineItemFilter.NONE, json::writePOJO);
        json.writeEndArray();
        json.writeName("payments");
        json.writePOJO(invoices.paymentsOf(invoiceId));
        json.writeName("refunds");
        json.writePOJO(invoices.refundsOf(invoiceId));
        json.writeName("linkedInvoices");
        json.writeStartArray();
        for (InvoiceMetadataResponse linked : invoices.linkedInvoicesOf(invoiceId)) {
            if (!writing.contains(linked.id())) {
                writeInvoice(json, linked, links, writing);
            }
        }
        json.writeEndArray();
        json.writeName("links");
        json.writePOJO(links.of(header.orgId(), invoiceId));
        json.writeEndObject();
        writing.remove(invoiceId);
    }

    /** A field of the invoice header, left out when the column is null (absent upstream, absent here). */
    private static void optional(JsonGenerator json, String name, @Nullable Object value) {
        if (value != null) {
            json.writeName(name);
            json.writePOJO(value);
        }
    }

    private static <T> TypedQuery<T> bind(TypedQuery<T> query, Map<String, Object> params) {
        params.forEach(query::setParameter);
        return query;
    }

    private static Instant startOfDay(LocalDate date) {
        return date.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
