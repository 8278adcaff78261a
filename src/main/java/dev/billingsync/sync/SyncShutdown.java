package dev.billingsync.sync;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Whether the application is shutting down. Once it is, no new org sync starts and Cost Explorer polling gives up,
 * so a stopping pod finishes what it is writing within the shutdown grace period instead of polling for minutes.
 */
@Component
class SyncShutdown {

    private final List<Runnable> onStop = new CopyOnWriteArrayList<>();
    private volatile boolean stopping;

    @EventListener(ContextClosedEvent.class)
    void onClose() {
        stopping = true;
        onStop.forEach(Runnable::run);
    }

    boolean stopping() {
        return stopping;
    }

    /** Runs {@code action} once the service starts stopping (after {@link #stopping()} turned true). */
    void whenStopping(Runnable action) {
        onStop.add(action);
    }
}
