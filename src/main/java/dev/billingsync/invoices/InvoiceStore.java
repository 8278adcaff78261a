package dev.billingsync.invoices;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes invoices and their children. Every write joins the caller's transaction (the sync writes one organization's
 * invoices in one), and an invoice whose content hash is unchanged is not touched at all. Line items and tags are
 * bulk loaded with {@code COPY}.
 */
@Component
public class InvoiceStore {

    /** What {@link #write} did with an invoice. */
    public enum Outcome {
        INSERTED,
        UPDATED,
        UNCHANGED,
        /** The stored copy was updated upstream later than this one: older data never overwrites newer. */
        STALE
    }

    public record WriteResult(Outcome outcome, long lineItemsWritten) {

        public boolean written() {
            return outcome == Outcome.INSERTED || outcome == Outcome.UPDATED;
        }
    }

    /**
     * What the store holds of an invoice: enough to tell from Atlas's invoice list whether it changed upstream
     * (status, amounts, {@code updated}), and whether it is pending or flagged missing upstream.
     */
    public record StoredInvoice(
            String id,
            @Nullable String statusName,
            @Nullable Instant startDate,
            @Nullable Instant updated,
            InvoiceAmounts amounts,
            String contentSha256,
            boolean pending,
            boolean missingUpstream) {}

    private static final String COPY_LINE_ITEMS = "copy line_items (invoice_id, position, cluster_name, created,"
            + " start_date, end_date, group_id, group_name, sku, unit, quantity, unit_price_dollars, total_price_cents,"
            + " discount_cents, percent_discount, tier_lower_bound, tier_upper_bound, note, stitch_app_name,"
            + " cloud_provider, has_tags) from stdin";
    private static final String COPY_TAGS =
            "copy line_item_tags (invoice_id, line_position, key_position, value_position, key, value) from stdin";

    private static final String STORED_COLUMNS = "id, status_name, start_date, updated, amount_billed_cents,"
            + " amount_paid_cents, credits_cents, sales_tax_cents, starting_balance_cents, subtotal_cents,"
            + " content_sha256, is_pending, missing_upstream_at";
    private static final RowMapper<StoredInvoice> STORED = (rs, n) -> new StoredInvoice(
            rs.getString(1),
            rs.getString(2),
            toInstant(rs.getTimestamp(3)),
            toInstant(rs.getTimestamp(4)),
            new InvoiceAmounts(
                    longOrNull(rs, 5),
                    longOrNull(rs, 6),
                    longOrNull(rs, 7),
                    longOrNull(rs, 8),
                    longOrNull(rs, 9),
                    longOrNull(rs, 10)),
            rs.getString(11),
            rs.getBoolean(12),
            rs.getTimestamp(13) != null);

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final Clock clock;

    public InvoiceStore(JdbcClient jdbc, DataSource dataSource, Clock clock) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public List<StoredInvoice> invoicesOf(String orgId) {
        return jdbc.sql("select " + STORED_COLUMNS + " from invoices where org_id = ?"
                        + " order by start_date nulls last, id")
                .param(orgId)
                .query(STORED)
                .list();
    }

    /**
     * Inserts or replaces an invoice with all its children, under the org the invoice names, unless its stored content
     * is the same or newer. An invoice served again is no longer flagged missing upstream.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public WriteResult write(UpstreamInvoice invoice, LineItemSource lineItems) {
        Optional<StoredInvoice> stored = jdbc.sql("select " + STORED_COLUMNS + " from invoices where id = ? for update")
                .param(invoice.id())
                .query(STORED)
                .optional();
        if (stored.isPresent() && stored.get().missingUpstream()) {
            jdbc.sql("update invoices set missing_upstream_at = null where id = ?")
                    .param(invoice.id())
                    .update();
        }
        Instant now = clock.instant();
        Outcome outcome;
        if (stored.isEmpty()) {
            insertHeader(invoice, now);
            outcome = Outcome.INSERTED;
        } else if (stored.get().contentSha256().equals(invoice.contentSha256())) {
            return new WriteResult(Outcome.UNCHANGED, 0);
        } else if (isOlder(invoice.updated(), stored.get().updated())) {
            return new WriteResult(Outcome.STALE, 0);
        } else {
            updateHeader(invoice, now);
            deleteChildren(invoice.id());
            outcome = Outcome.UPDATED;
        }
        insertPayments(invoice);
        insertRefunds(invoice);
        insertLinkedInvoices(invoice);
        long lines = copyLineItems(invoice.id(), lineItems);
        return new WriteResult(outcome, lines);
    }

    /**
     * Flags exactly {@code pendingIds} (the invoices of {@code orgId}'s pending list, which may belong to its linked
     * orgs) as pending: any other invoice of {@code orgId}, or of an org with an invoice in the list, stops being
     * pending. Only changed flags are written.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void markPending(String orgId, Collection<String> pendingIds) {
        String[] ids = pendingIds.toArray(String[]::new);
        jdbc.sql("""
                update invoices set is_pending = false
                where is_pending and id <> all (:ids)
                    and (org_id = :org or org_id in (select org_id from invoices where id = any (:ids)))
                """).param("org", orgId).param("ids", ids).update();
        jdbc.sql("update invoices set is_pending = true where not is_pending and id = any (?)")
                .param(ids)
                .update();
    }

    /** Flags invoices Atlas no longer serves, keeping their data; an invoice flagged already keeps its first time. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void markMissingUpstream(Collection<String> invoiceIds, Instant noticedAt) {
        if (invoiceIds.isEmpty()) {
            return;
        }
        jdbc.sql("update invoices set missing_upstream_at = ? where id = any (?) and missing_upstream_at is null")
                .params(ts(noticedAt), invoiceIds.toArray(String[]::new))
                .update();
    }

    private static boolean isOlder(@Nullable Instant incoming, @Nullable Instant stored) {
        return incoming != null && stored != null && incoming.isBefore(stored);
    }

    private void insertHeader(UpstreamInvoice i, Instant now) {
        InvoiceAmounts a = i.amounts();
        jdbc.sql("""
                insert into invoices (id, org_id, status_name, start_date, end_date, created, updated,
                    amount_billed_cents, amount_paid_cents, credits_cents, sales_tax_cents, starting_balance_cents,
                    subtotal_cents, line_item_count, content_sha256, raw, first_stored_at, content_changed_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
                """)
                .params(
                        i.id(),
                        i.orgId(),
                        i.statusName(),
                        ts(i.startDate()),
                        ts(i.endDate()),
                        ts(i.created()),
                        ts(i.updated()),
                        a.amountBilledCents(),
                        a.amountPaidCents(),
                        a.creditsCents(),
                        a.salesTaxCents(),
                        a.startingBalanceCents(),
                        a.subtotalCents(),
                        i.lineItemCount(),
                        i.contentSha256(),
                        i.rawJson(),
                        ts(now),
                        ts(now))
                .update();
    }

    private void updateHeader(UpstreamInvoice i, Instant now) {
        InvoiceAmounts a = i.amounts();
        jdbc.sql("""
                update invoices set status_name = ?, start_date = ?, end_date = ?, created = ?, updated = ?,
                    amount_billed_cents = ?, amount_paid_cents = ?, credits_cents = ?, sales_tax_cents = ?,
                    starting_balance_cents = ?, subtotal_cents = ?, line_item_count = ?, content_sha256 = ?,
                    raw = ?::jsonb, content_changed_at = ?
                where id = ?
                """)
                .params(
                        i.statusName(),
                        ts(i.startDate()),
                        ts(i.endDate()),
                        ts(i.created()),
                        ts(i.updated()),
                        a.amountBilledCents(),
                        a.amountPaidCents(),
                        a.creditsCents(),
                        a.salesTaxCents(),
                        a.startingBalanceCents(),
                        a.subtotalCents(),
                        i.lineItemCount(),
                        i.contentSha256(),
                        i.rawJson(),
                        ts(now),
                        i.id())
                .update();
    }

    private void deleteChildren(String invoiceId) {
        for (String table : List.of("line_item_tags", "line_items", "payments", "refunds", "linked_invoices")) {
            jdbc.sql("delete from " + table + " where invoice_id = ?")
                    .param(invoiceId)
                    .update();
        }
    }

    private void insertPayments(UpstreamInvoice invoice) {
        int position = 0;
        for (UpstreamPayment p : invoice.payments()) {
            jdbc.sql("""
                    insert into payments (invoice_id, position, id, status_name, created, updated, currency,
                        amount_billed_cents, amount_paid_cents, sales_tax_cents, subtotal_cents, unit_price)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                    .params(
                            invoice.id(),
                            position++,
                            p.id(),
                            p.statusName(),
                            ts(p.created()),
                            ts(p.updated()),
                            p.currency(),
                            p.amountBilledCents(),
                            p.amountPaidCents(),
                            p.salesTaxCents(),
                            p.subtotalCents(),
                            p.unitPrice())
                    .update();
        }
    }

    private void insertRefunds(UpstreamInvoice invoice) {
        int position = 0;
        for (UpstreamRefund r : invoice.refunds()) {
            jdbc.sql("insert into refunds (invoice_id, position, amount_cents, created, payment_id, reason)"
                            + " values (?, ?, ?, ?, ?, ?)")
                    .params(invoice.id(), position++, r.amountCents(), ts(r.created()), r.paymentId(), r.reason())
                    .update();
        }
    }

    private void insertLinkedInvoices(UpstreamInvoice invoice) {
        int position = 0;
        for (UpstreamLinkedInvoice l : invoice.linkedInvoices()) {
            InvoiceAmounts a = l.amounts();
            jdbc.sql("""
                    insert into linked_invoices (invoice_id, position, linked_invoice_id, org_id, status_name,
                        start_date, end_date, created, updated, amount_billed_cents, amount_paid_cents,
                        credits_cents, sales_tax_cents, starting_balance_cents, subtotal_cents, raw)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
                    """)
                    .params(
                            invoice.id(),
                            position++,
                            l.id(),
                            l.orgId(),
                            l.statusName(),
                            ts(l.startDate()),
                            ts(l.endDate()),
                            ts(l.created()),
                            ts(l.updated()),
                            a.amountBilledCents(),
                            a.amountPaidCents(),
                            a.creditsCents(),
                            a.salesTaxCents(),
                            a.startingBalanceCents(),
                            a.subtotalCents(),
                            l.rawJson())
                    .update();
        }
    }

    /**
     * Streams the line items into {@code line_items} with one COPY while their tags are spilled to a temporary file,
     * then COPYs the tags: one connection can run only one COPY at a time, and tags must not pile up in memory.
     */
    private long copyLineItems(String invoiceId, LineItemSource lineItems) {
        Connection connection = DataSourceUtils.getConnection(dataSource);
        Path tagFile = null;
        try {
            CopyManager copyManager = connection.unwrap(PGConnection.class).getCopyAPI();
            tagFile = Files.createTempFile("billing-sync-tags-", ".copy");
            long lines;
            long tags;
            try (OutputStream tagOut = new BufferedOutputStream(Files.newOutputStream(tagFile), 1 << 16)) {
                CopyRows tagRows = new CopyRows((bytes, length) -> tagOut.write(bytes, 0, length));
                CopyIn copy = copyManager.copyIn(COPY_LINE_ITEMS);
                try {
                    CopyRows rows = new CopyRows((bytes, length) -> copy.writeToCopy(bytes, 0, length));
                    lineItems.forEach(item -> writeLine(invoiceId, item, rows, tagRows));
                    rows.flush();
                    lines = copy.endCopy();
                } finally {
                    if (copy.isActive()) {
                        copy.cancelCopy();
                    }
                }
                tagRows.flush();
                tags = tagRows.rows();
            }
            if (tags > 0) {
                try (InputStream in = Files.newInputStream(tagFile)) {
                    copyManager.copyIn(COPY_TAGS, in, 1 << 16);
                }
            }
            return lines;
        } catch (SQLException e) {
            throw new InvoiceWriteException("Could not store the line items of invoice " + invoiceId, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (tagFile != null) {
                try {
                    Files.deleteIfExists(tagFile);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    private static void writeLine(String invoiceId, UpstreamLineItem item, CopyRows rows, CopyRows tagRows) {
        try {
            rows.text(invoiceId)
                    .number(item.position())
                    .text(item.clusterName())
                    .instant(item.created())
                    .instant(item.startDate())
                    .instant(item.endDate())
                    .text(item.groupId())
                    .text(item.groupName())
                    .text(item.sku())
                    .text(item.unit())
                    .decimal(item.quantity())
                    .decimal(item.unitPriceDollars())
                    .number(item.totalPriceCents())
                    .number(item.discountCents())
                    .decimal(item.percentDiscount())
                    .decimal(item.tierLowerBound())
                    .decimal(item.tierUpperBound())
                    .text(item.note())
                    .text(item.stitchAppName())
                    .text(item.cloudProvider())
                    .bool(item.tags() != null)
                    .endRow();
            if (item.tags() != null) {
                for (UpstreamLineItem.Tag tag : item.tags()) {
                    tagRows.text(invoiceId)
                            .number(item.position())
                            .number(tag.keyPosition())
                            .number(tag.valuePosition())
                            .text(tag.key())
                            .text(tag.value())
                            .endRow();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new InvoiceWriteException("Could not store line " + item.position() + " of invoice " + invoiceId, e);
        }
    }

    private static @Nullable Timestamp ts(@Nullable Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static @Nullable Long longOrNull(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static @Nullable Instant toInstant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
