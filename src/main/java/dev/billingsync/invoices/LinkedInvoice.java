package dev.billingsync.invoices;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.jspecify.annotations.Nullable;

/**
 * The invoice of a linked organization as it appears inside the paying organization's invoice: its header as columns,
 * the whole upstream object (with any nested line items) in {@code raw}, which is what the API returns.
 */
@Entity
@Table(name = "linked_invoices")
class LinkedInvoice {

    @EmbeddedId
    private InvoicePosition id;

    private @Nullable String linkedInvoiceId;

    private @Nullable String orgId;

    private @Nullable String statusName;

    private @Nullable Instant startDate;

    private @Nullable Instant endDate;

    private @Nullable Instant created;

    private @Nullable Instant updated;

    @Embedded
    private @Nullable InvoiceAmounts amounts;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    private String raw;

    protected LinkedInvoice() {}

    LinkedInvoice(InvoicePosition key, UpstreamLinkedInvoice l) {
        this.id = key;
        this.linkedInvoiceId = l.id();
        this.orgId = l.orgId();
        this.statusName = l.statusName();
        this.startDate = l.startDate();
        this.endDate = l.endDate();
        this.created = l.created();
        this.updated = l.updated();
        this.amounts = l.amounts();
        this.raw = l.rawJson();
    }
}
