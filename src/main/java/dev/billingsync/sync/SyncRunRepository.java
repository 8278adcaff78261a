package dev.billingsync.sync;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface SyncRunRepository extends JpaRepository<SyncRun, Long> {

    boolean existsByOrgIdAndTickAt(String orgId, Instant tickAt);

    List<SyncRun> findByOrgIdAndStatus(String orgId, SyncRun.Status status);

    @Query("select distinct r.orgId from SyncRun r where r.status = :status")
    List<String> findOrgIdsByStatus(SyncRun.Status status);

    Optional<SyncRun> findFirstByOrgIdOrderByStartedAtDesc(String orgId);

    Page<SyncRun> findByOrgIdIn(Collection<String> orgIds, Pageable page);

    Page<SyncRun> findByOrgIdInAndStatus(Collection<String> orgIds, SyncRun.Status status, Pageable page);
}
