package dev.billingsync.sync;

import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Whether the application is shutting down. Once it is, no new org sync starts and Cost Explorer polling gives up,
 * so a stopping pod finishes what it is writing within the shutdown grace period instead of polling for minutes.
 */
@Component
class SyncShutdown {

    private volatile boolean stopping;

    @EventListener(ContextClosedEvent.class)
    void onClose() {
        stopping = true;
    }

    boolean stopping() {
        return stopping;
    }
}
