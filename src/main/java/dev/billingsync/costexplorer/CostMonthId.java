package dev.billingsync.costexplorer;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.io.Serializable;
import java.time.LocalDate;

/** A month of one org's usage in one grouping: the key the month's rows are replaced under as a set. */
@Embeddable
record CostMonthId(
        @Column(name = "org_id") String orgId,
        @Column(name = "group_by") String groupBy,
        @Column(name = "usage_date") LocalDate usageDate)
        implements Serializable {}
