package dev.billingsync.sync;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.springframework.stereotype.Component;

/**
 * One lock per organization in PostgreSQL (ShedLock's {@code shedlock} table): an org is synced by at most one replica
 * at a time, and replicas share the orgs between them. The lock is kept alive while the sync runs and expires
 * {@code billing.sync.lock-at-most-for} after a replica dies.
 */
@Component
class OrgSyncLock {

    private final LockProvider locks;
    private final Clock clock;
    private final Duration lockAtMostFor;

    OrgSyncLock(LockProvider locks, Clock clock, SyncProperties properties) {
        this.locks = locks;
        this.clock = clock;
        this.lockAtMostFor = properties.lockAtMostFor();
    }

    static String lockName(String orgId) {
        return "sync-org-" + orgId;
    }

    /** Runs {@code task} holding the org's lock; empty, without running it, if another replica holds the lock. */
    <T> Optional<T> withLock(String orgId, Supplier<T> task) {
        Optional<SimpleLock> lock = locks.lock(
                new LockConfiguration(clock.instant(), lockName(orgId), lockAtMostFor, Duration.ZERO));
        if (lock.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(task.get());
        } finally {
            lock.get().unlock();
        }
    }

    /** Whether some replica holds the org's lock right now. */
    boolean isLocked(String orgId) {
        Optional<SimpleLock> lock = locks.lock(
                new LockConfiguration(clock.instant(), lockName(orgId), lockAtMostFor, Duration.ZERO));
        lock.ifPresent(SimpleLock::unlock);
        return lock.isEmpty();
    }
}
