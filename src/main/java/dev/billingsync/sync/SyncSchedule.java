package dev.billingsync.sync;

import dev.billingsync.sync.ConfiguredOrgs.ConfiguredOrg;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;

/**
 * Runs every configured org for a schedule tick or at startup. Each replica walks the orgs in its own random order,
 * so replicas share the orgs between them; the per-org lock and the tick recorded on each run make every org run once
 * per tick, whichever replica gets it.
 */
@Component
class SyncSchedule {

    private static final Logger log = LoggerFactory.getLogger(SyncSchedule.class);

    /** The scheduler may fire a hair early; a tick is the latest fire time up to this long after now. */
    private static final Duration FIRE_TOLERANCE = Duration.ofMillis(1000);

    private final ConfiguredOrgs orgs;
    private final OrgRunner orgSync;
    private final SyncRunLog runLog;
    private final SyncProperties properties;
    private final CronExpression cron;
    private final Clock clock;
    private final SyncShutdown shutdown;

    SyncSchedule(
            ConfiguredOrgs orgs,
            OrgRunner orgSync,
            SyncRunLog runLog,
            SyncProperties properties,
            Clock clock,
            SyncShutdown shutdown) {
        this.orgs = orgs;
        this.orgSync = orgSync;
        this.runLog = runLog;
        this.properties = properties;
        this.cron = parse(properties.cron());
        this.clock = clock;
        this.shutdown = shutdown;
    }

    void runTick() {
        Instant tick = latestFireTime(cron, clock.instant());
        log.debug("Schedule tick {}", tick);
        closeAbandonedRuns();
        for (ConfiguredOrg org : shuffled()) {
            if (shutdown.stopping()) {
                return;
            }
            runIsolated(org, SyncRun.Trigger.SCHEDULED, tick);
        }
    }

    /**
     * Syncs every org whose latest run did not succeed within the startup grace. Returns the orgs whose lock another
     * replica held (a live one syncing them, or a dead one whose lock has not expired yet): {@link #retryStartup}
     * takes them again once such a lock has had time to expire.
     */
    List<ConfiguredOrg> runStartup() {
        closeAbandonedRuns();
        return startup(shuffled());
    }

    List<ConfiguredOrg> retryStartup(List<ConfiguredOrg> busy) {
        closeAbandonedRuns();
        return startup(busy);
    }

    private List<ConfiguredOrg> startup(List<ConfiguredOrg> candidates) {
        Instant recent = clock.instant().minus(properties.startupGrace());
        List<ConfiguredOrg> busy = new ArrayList<>();
        for (ConfiguredOrg org : candidates) {
            if (shutdown.stopping()) {
                return List.of();
            }
            if (succeededSince(org, recent)) {
                log.info("Startup sync of org {} skipped: it synced successfully less than {} ago", org.id(),
                        properties.startupGrace());
            } else if (runIsolated(org, SyncRun.Trigger.STARTUP, null) == Started.BUSY) {
                busy.add(org);
            }
        }
        return List.copyOf(busy);
    }

    private boolean succeededSince(ConfiguredOrg org, Instant since) {
        return runLog.latest(org.id())
                .filter(run -> run.status() == SyncRun.Status.SUCCEEDED)
                .map(SyncRun::finishedAt)
                .filter(finished -> finished.isAfter(since))
                .isPresent();
    }

    private enum Started {
        RAN,
        BUSY,
        BROKE
    }

    /** One org's run; whatever it throws ends that org's run only, never the round. */
    private Started runIsolated(ConfiguredOrg org, SyncRun.Trigger trigger, @Nullable Instant tick) {
        try {
            return orgSync.run(org, trigger, tick).isPresent() ? Started.RAN : Started.BUSY;
        } catch (RuntimeException e) {
            log.error("Sync of org {} could not run; the round goes on with the other orgs", org.id(), e);
            return Started.BROKE;
        }
    }

    private void closeAbandonedRuns() {
        try {
            orgSync.closeAbandonedRuns();
        } catch (RuntimeException e) {
            log.error("Could not close the sync runs left running by stopped replicas; trying again next round", e);
        }
    }

    private List<ConfiguredOrg> shuffled() {
        List<ConfiguredOrg> order = new ArrayList<>(orgs.all());
        Collections.shuffle(order);
        return order;
    }

    /** The latest time at or before {@code now} (give or take the tolerance) at which the cron fires. */
    static Instant latestFireTime(CronExpression cron, Instant now) {
        ZonedDateTime limit = now.plus(FIRE_TOLERANCE).atZone(ZoneOffset.UTC);
        for (Duration back = Duration.ofMinutes(1); back.toDays() < 800; back = back.multipliedBy(2)) {
            ZonedDateTime fire = cron.next(limit.minus(back));
            if (fire != null && !fire.isAfter(limit)) {
                for (ZonedDateTime next = cron.next(fire); next != null && !next.isAfter(limit); next = cron.next(fire)) {
                    fire = next;
                }
                return fire.toInstant();
            }
        }
        return now;
    }

    static CronExpression parse(String expression) {
        try {
            return CronExpression.parse(expression);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(
                    List.of("billing.sync.cron: '" + expression + "' is not a valid cron expression (" + e.getMessage()
                            + "); the default is '0 0 * * * *', every hour on the hour, UTC"));
        }
    }
}
