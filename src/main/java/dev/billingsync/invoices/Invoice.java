package dev.billingsync.invoices;

import dev.billingsync.invoices.InvoiceStore.Outcome;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.jspecify.annotations.Nullable;

/**
 * The root of an invoice's aggregate: its header row. Its line items, tags, payments, refunds and linked invoices are
 * rows keyed by its id and their position ({@link InvoicePosition}), replaced as one set whenever its content changes
 * and never loaded through it (an invoice may have 200,000 line items). Only changed columns are updated, so the
 * pending and missing-upstream flags, which are also set in bulk, are never written back from a stale copy.
 */
@Entity
@Table(name = "invoices")
@DynamicUpdate
class Invoice {

    @Id
    private String id;

    @Column(name = "org_id", nullable = false, updatable = false)
    private String orgId;

    @Embedded
    private @Nullable InvoiceHeader header;

    @Column(name = "is_pending", nullable = false)
    private boolean pending;

    @Column(nullable = false)
    private int lineItemCount;

    @Column(name = "content_sha256", nullable = false)
    private String contentSha256;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    private String raw;

    @Column(nullable = false, updatable = false)
    private Instant firstStoredAt;

    @Column(nullable = false)
    private Instant contentChangedAt;

    private @Nullable Instant missingUpstreamAt;

    protected Invoice() {}

    private Invoice(UpstreamInvoice upstream, Instant now) {
        this.id = upstream.id();
        this.orgId = upstream.orgId();
        this.firstStoredAt = now;
        apply(upstream, now);
    }

    /** An invoice seen for the first time, stored under the org it names. */
    static Invoice first(UpstreamInvoice upstream, Instant now) {
        return new Invoice(upstream, now);
    }

    /**
     * Takes in the upstream copy of this invoice: an invoice served again is no longer missing upstream; its content is
     * replaced unless it is the same (equal hash) or older (updated upstream before the stored copy), since older data
     * never overwrites newer. {@link Outcome#UPDATED} means its children are to be replaced too.
     */
    Outcome receive(UpstreamInvoice upstream, Instant now) {
        missingUpstreamAt = null;
        if (contentSha256.equals(upstream.contentSha256())) {
            return Outcome.UNCHANGED;
        }
        if (isOlder(upstream.header().updated(), header().updated())) {
            return Outcome.STALE;
        }
        apply(upstream, now);
        return Outcome.UPDATED;
    }

    private void apply(UpstreamInvoice upstream, Instant now) {
        this.header = upstream.header();
        this.lineItemCount = upstream.lineItemCount();
        this.contentSha256 = upstream.contentSha256();
        this.raw = upstream.rawJson();
        this.contentChangedAt = now;
    }

    private static boolean isOlder(@Nullable Instant incoming, @Nullable Instant stored) {
        return incoming != null && stored != null && incoming.isBefore(stored);
    }

    String id() {
        return id;
    }

    String orgId() {
        return orgId;
    }

    InvoiceHeader header() {
        return InvoiceHeader.orNone(header);
    }

    String contentSha256() {
        return contentSha256;
    }

    Instant firstStoredAt() {
        return firstStoredAt;
    }

    Instant contentChangedAt() {
        return contentChangedAt;
    }

    @Nullable
    Instant missingUpstreamAt() {
        return missingUpstreamAt;
    }
}
