package dev.billingsync.sync;

import java.time.Instant;
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

    /** Off the startup thread, so readiness does not wait for Atlas. */
    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        if (properties.runOnStartup()) {
            taskScheduler.schedule(schedule::runStartup, Instant.now());
        }
    }
}
