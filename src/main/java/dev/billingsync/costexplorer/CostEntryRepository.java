package dev.billingsync.costexplorer;

import java.time.LocalDate;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface CostEntryRepository extends JpaRepository<CostEntry, CostEntryId> {

    /** Removes a month's rows in one statement, before the month's new rows are inserted under the same keys. */
    @Modifying
    @Query("""
            delete from CostEntry e
            where e.id.orgId = :orgId and e.id.groupBy = :groupBy and e.id.usageDate = :usageDate
            """)
    int deleteMonth(String orgId, String groupBy, LocalDate usageDate);
}
