package dev.billingsync.invoices;

import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One line of an invoice, keyed by its upstream position. Mapped for queries and schema validation only: line items are
 * bulk loaded with {@code COPY} ({@link LineItemCopy}, README "JPA and COPY"), not persisted one by one
 * in the sync.
 */
@Entity
@Table(name = "line_items")
class LineItem {

    @EmbeddedId
    private InvoicePosition id;

    private @Nullable String clusterName;

    private @Nullable Instant created;

    private @Nullable Instant startDate;

    private @Nullable Instant endDate;

    private @Nullable String groupId;

    private @Nullable String groupName;

    private @Nullable String sku;

    private @Nullable String unit;

    private @Nullable BigDecimal quantity;

    private @Nullable BigDecimal unitPriceDollars;

    private @Nullable Long totalPriceCents;

    private @Nullable Long discountCents;

    private @Nullable BigDecimal percentDiscount;

    private @Nullable BigDecimal tierLowerBound;

    private @Nullable BigDecimal tierUpperBound;

    private @Nullable String note;

    private @Nullable String stitchAppName;

    private @Nullable String cloudProvider;

    private boolean hasTags;

    protected LineItem() {}

    /** A line as it would be inserted row by row: the measured alternative to {@code COPY} (README). */
    LineItem(String invoiceId, UpstreamLineItem upstream) {
        this.id = new InvoicePosition(invoiceId, upstream.position());
        InvoiceLineItem item = upstream.line();
        this.clusterName = item.clusterName();
        this.created = item.created();
        this.startDate = item.startDate();
        this.endDate = item.endDate();
        this.groupId = item.groupId();
        this.groupName = item.groupName();
        this.sku = item.sku();
        this.unit = item.unit();
        this.quantity = item.quantity();
        this.unitPriceDollars = item.unitPriceDollars();
        this.totalPriceCents = item.totalPriceCents();
        this.discountCents = item.discountCents();
        this.percentDiscount = item.percentDiscount();
        this.tierLowerBound = item.tierLowerBound();
        this.tierUpperBound = item.tierUpperBound();
        this.note = item.note();
        this.stitchAppName = item.stitchAppName();
        this.cloudProvider = item.cloudProvider();
        this.hasTags = item.tags() != null;
    }
}
