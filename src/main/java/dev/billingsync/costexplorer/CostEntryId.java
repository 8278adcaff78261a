package dev.billingsync.costexplorer;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.io.Serializable;
import java.time.LocalDate;

/** A usage row's place: its month of one org and grouping, and its position in the upstream order. */
@Embeddable
record CostEntryId(
        @Column(name = "org_id") String orgId,
        @Column(name = "group_by") String groupBy,
        @Column(name = "usage_date") LocalDate usageDate,
        @Column(name = "position") int position)
        implements Serializable {}
