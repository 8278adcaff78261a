package dev.billingsync.sync;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
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

    /** A held lock; may be released from another thread than the one that took it. */
    static final class Held {

        private final SimpleLock lock;

        private Held(SimpleLock lock) {
            this.lock = lock;
        }

        void release() {
            lock.unlock();
        }
    }

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

    /** The org's lock, or empty if another run (on any replica) holds it. */
    Optional<Held> tryLock(String orgId) {
        return locks.lock(new LockConfiguration(clock.instant(), lockName(orgId), lockAtMostFor, Duration.ZERO))
                .map(Held::new);
    }
}
