package dev.billingsync.invoices;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * One value of one tag key of a line item. Tags belong to the invoice (one cheap delete per invoice) and are bulk
 * loaded with {@code COPY} together with the line items; mapped for queries and schema validation only.
 */
@Entity
@Table(name = "line_item_tags")
class LineItemTag {

    /** Line, key and value positions keep the upstream order of keys and of each key's values. */
    @Embeddable
    record Key(@Column(name = "invoice_id") String invoiceId, int linePosition, int keyPosition, int valuePosition) {}

    @EmbeddedId
    private Key id;

    @Column(name = "key", nullable = false)
    private String tagKey;

    @Column(name = "value")
    private @Nullable String tagValue;

    protected LineItemTag() {}

    /** A tag as it would be inserted row by row: the measured alternative to {@code COPY} (README). */
    LineItemTag(String invoiceId, int linePosition, UpstreamLineItem.Tag tag) {
        this.id = new Key(invoiceId, linePosition, tag.keyPosition(), tag.valuePosition());
        this.tagKey = tag.key();
        this.tagValue = tag.value();
    }
}
