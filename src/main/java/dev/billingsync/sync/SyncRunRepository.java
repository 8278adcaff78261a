package dev.billingsync.sync;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface SyncRunRepository extends JpaRepository<SyncRun, Long> {

    boolean existsByOrgIdAndTickAt(String orgId, Instant tickAt);

    List<SyncRun> findByOrgIdAndStatus(String orgId, SyncRun.Status status);

    Optional<SyncRun> findFirstByOrgIdOrderByStartedAtDesc(String orgId);
}
