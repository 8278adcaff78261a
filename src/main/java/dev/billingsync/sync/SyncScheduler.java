package dev.billingsync.sync;

import java.time.Instant;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** The schedule: {@code billing.sync.cron} in UTC, plus one run as soon as the application is ready. */
@Component
@ConditionalOnBooleanProperty(name = "billing.sync.enabled", matchIfMissing = true)
class SyncScheduler {

    /** A live replica's run ends (and makes the retry skip its org) long before this many lock lifetimes. */
    private static final int STARTUP_RETRIES = 10;

    private final SyncSchedule schedule;
    private final SyncProperties properties;
    private final TaskScheduler taskScheduler;

    SyncScheduler(SyncSchedule schedule, SyncProperties properties, TaskScheduler taskScheduler) {
        this.schedule = schedule;
        this.properties = properties;
        this.taskScheduler = taskScheduler;
    }

    @Scheduled(cron = "${billing.sync.cron:0 0 * * * *}", zone = "UTC")
    void onTick() {
        schedule.runTick();
    }

    /**
     * Off the startup thread, so readiness does not wait for Atlas. Orgs whose lock was held are taken again once such
     * a lock has had time to expire: after a crash the dead process's locks outlive it by up to lock-at-most-for, and
     * its orgs must not wait for the next tick.
     */
    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        if (properties.runOnStartup()) {
            taskScheduler.schedule(() -> retryLater(schedule.runStartup(), 1), Instant.now());
        }
    }

    private void retryLater(List<ConfiguredOrg> busy, int attempt) {
        if (busy.isEmpty() || attempt > STARTUP_RETRIES) {
            return;
        }
        Instant expired = Instant.now().plus(properties.lockAtMostFor()).plusSeconds(1);
        taskScheduler.schedule(() -> retryLater(schedule.retryStartup(busy), attempt + 1), expired);
    }
}
