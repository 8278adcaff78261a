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
        for (ConfiguredOrg org : shuffled()) {
            if (shutdown.stopping()) {
                return;
            }
            orgSync.run(org, SyncRun.Trigger.SCHEDULED, tick);
        }
    }

    void runStartup() {
        Instant recent = clock.instant().minus(properties.startupGrace());
        for (ConfiguredOrg org : shuffled()) {
            if (shutdown.stopping()) {
                return;
            }
            boolean ranRecently = runLog.latest(org.id())
                    .filter(run -> run.startedAt().isAfter(recent))
                    .isPresent();
            if (ranRecently) {
                log.info("Startup sync of org {} skipped: it ran less than {} ago", org.id(), properties.startupGrace());
            } else {
                orgSync.run(org, SyncRun.Trigger.STARTUP, null);
            }
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
