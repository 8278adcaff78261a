package dev.billingsync.sync;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Each org's last successful sync as recorded in PostgreSQL ({@code organizations.last_sync_succeeded_at}), whichever
 * replica ran it. One query reads every org, on a background thread every {@code billing.health.freshness
 * .refresh-interval} and right after a run of this replica ends; health checks and Prometheus scrapes read the last
 * snapshot, so neither ever waits for the database (a scrape must not hang while PostgreSQL is down).
 */
@Component
class SyncFreshness implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SyncFreshness.class);

    /** One org as the database last showed it; {@code createdAt} is when it was first configured (registered). */
    record OrgRecord(Instant createdAt, @Nullable Instant lastSuccessAt) {}

    /** Every org row, and when it was read. */
    record Snapshot(Map<String, OrgRecord> orgs, Instant readAt) {}

    private final JdbcClient jdbc;
    private final Clock clock;
    private final long refreshMillis;
    private final Instant watchingSince;
    private volatile @Nullable Snapshot snapshot;
    private volatile @Nullable ScheduledExecutorService refresher;
    private volatile boolean failing;

    SyncFreshness(JdbcClient jdbc, Clock clock, SyncHealthProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.refreshMillis = properties.freshness().refreshInterval().toMillis();
        this.watchingSince = clock.instant();
    }

    /** The last rows read, empty until the first read succeeded. */
    Optional<Snapshot> snapshot() {
        return Optional.ofNullable(snapshot);
    }

    /** When this replica started watching: the reference for orgs that have no row yet. */
    Instant watchingSince() {
        return watchingSince;
    }

    /** Epoch seconds of the org's last successful sync; 0 if it never had one (or nothing was read yet). */
    double lastSuccessEpochSeconds(String orgId) {
        Snapshot current = snapshot;
        @Nullable OrgRecord org = current == null ? null : current.orgs().get(orgId);
        @Nullable Instant last = org == null ? null : org.lastSuccessAt();
        return last == null ? 0 : last.getEpochSecond() + last.getNano() / 1e9;
    }

    /** Reads the rows again soon, off the caller's thread (a run just ended). */
    void refreshSoon() {
        ScheduledExecutorService executor = refresher;
        if (executor != null) {
            try {
                executor.execute(this::refresh);
            } catch (RuntimeException stopping) {
                // shutting down: the snapshot no longer matters
            }
        }
    }

    private void refresh() {
        try {
            Map<String, OrgRecord> orgs = new HashMap<>();
            jdbc.sql("select id, created_at, last_sync_succeeded_at from organizations")
                    .query(rs -> {
                        @Nullable OffsetDateTime last = rs.getObject("last_sync_succeeded_at", OffsetDateTime.class);
                        orgs.put(
                                rs.getString("id"),
                                new OrgRecord(
                                        rs.getObject("created_at", OffsetDateTime.class)
                                                .toInstant(),
                                        last == null ? null : last.toInstant()));
                    });
            snapshot = new Snapshot(Map.copyOf(orgs), clock.instant());
            if (failing) {
                log.info("Reading sync freshness from the database works again");
                failing = false;
            }
        } catch (RuntimeException e) {
            // Caught whatever it is: an exception escaping a periodic task would stop its later runs.
            if (!failing) {
                // The database health indicator reports the outage; this only explains the stale snapshot.
                log.warn("Could not read sync freshness from the database; keeping the last values: {}", e.toString());
                failing = true;
            }
        }
    }

    @Override
    public void start() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sync-freshness");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::refresh, 0, refreshMillis, TimeUnit.MILLISECONDS);
        refresher = executor;
    }

    @Override
    public void stop() {
        ScheduledExecutorService executor = refresher;
        refresher = null;
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return refresher != null;
    }
}
