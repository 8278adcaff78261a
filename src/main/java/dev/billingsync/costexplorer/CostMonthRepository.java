package dev.billingsync.costexplorer;

import jakarta.persistence.LockModeType;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface CostMonthRepository extends JpaRepository<CostMonth, CostMonthId> {

    /** The stored month, locked until the transaction ends so no other writer replaces it meanwhile. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select m from CostMonth m where m.id = :id")
    Optional<CostMonth> findForUpdate(CostMonthId id);
}
