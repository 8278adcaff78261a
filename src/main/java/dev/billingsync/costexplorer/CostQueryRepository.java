package dev.billingsync.costexplorer;

import dev.billingsync.costexplorer.CostUsageStore.QueryState;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface CostQueryRepository extends JpaRepository<CostQuery, Long> {

    @Query("""
            select q.completedAt from CostQuery q
            where q.orgId = :orgId and q.groupBy = :groupBy and q.startDate = :start and q.endDate = :end
                and q.state = :state and q.completedAt is not null
            order by q.completedAt desc
            limit 1
            """)
    Optional<Instant> lastCompleted(String orgId, String groupBy, LocalDate start, LocalDate end, QueryState state);
}
