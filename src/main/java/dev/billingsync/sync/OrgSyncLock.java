package dev.billingsync.sync;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * One lock per organization in PostgreSQL (ShedLock's {@code shedlock} table): an org is synced by at most one replica
 * at a time, and replicas share the orgs between them. A held lock is kept alive while the sync runs and expires
 * {@code billing.sync.lock-at-most-for} after a replica dies.
 *
 * <p>The keep-alive is ours rather than ShedLock's {@code KeepAliveLockProvider}, whose scheduled extension stops for
 * good, silently, at the first exception: here a failed extension (a database blip) is logged and tried again at the
 * next beat, and only the database answering "not yours any more" ends it. Since a paused replica can still lose its
 * lock, every write of an org's data is fenced by {@link #fence}, inside the writing transaction.
 */
@Component
class OrgSyncLock implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(OrgSyncLock.class);

    /** Beats per lock lifetime: three beats in a row may fail before the lock can expire under a live run. */
    private static final int BEATS_PER_LIFETIME = 4;

    /** A held lock; may be released from another thread than the one that took it. */
    final class Held {

        private final String orgId;
        private SimpleLock lock;
        private @Nullable ScheduledFuture<?> keepAlive;
        private boolean released;
        private volatile boolean lost;

        private Held(String orgId, SimpleLock lock) {
            this.orgId = orgId;
            this.lock = lock;
        }

        String orgId() {
            return orgId;
        }

        /** True once the database said another replica holds the lock now, or that it expired. */
        boolean lost() {
            return lost;
        }

        private synchronized void extend() {
            if (released || lost) {
                return;
            }
            try {
                Optional<SimpleLock> extended = lock.extend(lockAtMostFor, Duration.ZERO);
                if (extended.isPresent()) {
                    lock = extended.get();
                } else {
                    lost = true;
                    stopKeepAlive();
                    log.error("Lost the sync lock of org {}: it expired or another replica holds it now", orgId);
                }
            } catch (RuntimeException e) {
                log.warn("Could not extend the sync lock of org {}; trying again in {}: {}", orgId, beat, e.toString());
            }
        }

        synchronized void release() {
            if (released) {
                return;
            }
            released = true;
            stopKeepAlive();
            if (!lost) {
                try {
                    lock.unlock();
                } catch (RuntimeException e) {
                    // The lock then expires by itself after lock-at-most-for.
                    log.warn("Could not release the sync lock of org {}: {}", orgId, e.toString());
                }
            }
        }

        private void stopKeepAlive() {
            if (keepAlive != null) {
                keepAlive.cancel(false);
            }
        }
    }

    private final LockProvider locks;
    private final LockRecordRepository lockRecords;
    private final Clock clock;
    private final Duration lockAtMostFor;
    private final Duration beat;
    private final String owner;
    private final ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "sync-lock-keepalive");
        thread.setDaemon(true);
        return thread;
    });

    OrgSyncLock(
            LockProvider locks,
            LockRecordRepository lockRecords,
            Clock clock,
            SyncProperties properties,
            ReplicaName replica) {
        this.locks = locks;
        this.lockRecords = lockRecords;
        this.clock = clock;
        this.lockAtMostFor = properties.lockAtMostFor();
        this.beat = lockAtMostFor.dividedBy(BEATS_PER_LIFETIME);
        this.owner = replica.value();
    }

    static String lockName(String orgId) {
        return "sync-org-" + orgId;
    }

    /** The org's lock, kept alive until released, or empty if another run (on any replica) holds it. */
    Optional<Held> tryLock(String orgId) {
        return locks.lock(new LockConfiguration(clock.instant(), lockName(orgId), lockAtMostFor, Duration.ZERO))
                .map(lock -> {
                    Held held = new Held(orgId, lock);
                    held.keepAlive = keepAlive.scheduleWithFixedDelay(
                            held::extend, beat.toMillis(), beat.toMillis(), TimeUnit.MILLISECONDS);
                    return held;
                });
    }

    /**
     * Proves, inside the caller's writing transaction, that this replica still holds the org's lock, and keeps it so
     * until that transaction ends: the lock row stays locked, so no other replica can take the lock over between this
     * check and the commit. Throws {@link LockLostException} (rolling the transaction back) otherwise.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    void fence(String orgId) {
        boolean held = lockRecords.findHeldForUpdate(lockName(orgId), owner).isPresent();
        if (!held) {
            throw LockLostException.forOrg(orgId);
        }
    }

    @Override
    public void destroy() {
        keepAlive.shutdownNow();
    }
}
