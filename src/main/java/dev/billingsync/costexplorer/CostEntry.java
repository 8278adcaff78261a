package dev.billingsync.costexplorer;

import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/** One stored Cost Explorer usage row; rows are only ever written and removed with their whole month. */
@Entity
@Table(name = "cost_usage")
class CostEntry {

    @EmbeddedId
    private CostEntryId id;

    @Column(name = "dimension_id", updatable = false)
    private @Nullable String dimensionId;

    @Column(name = "dimension_name", updatable = false)
    private @Nullable String dimensionName;

    @Column(name = "invoice_id", updatable = false)
    private @Nullable String invoiceId;

    @Column(updatable = false)
    private @Nullable String service;

    @Column(name = "usage_amount", nullable = false, updatable = false)
    private BigDecimal usageAmount;

    protected CostEntry() {}

    CostEntry(CostEntryId id, UpstreamUsageRow row) {
        this.id = id;
        this.dimensionId = row.dimensionId();
        this.dimensionName = row.dimensionName();
        this.invoiceId = row.invoiceId();
        this.service = row.service();
        this.usageAmount = row.usageAmount();
    }

    CostEntryId id() {
        return id;
    }

    BigDecimal usageAmount() {
        return usageAmount;
    }
}
