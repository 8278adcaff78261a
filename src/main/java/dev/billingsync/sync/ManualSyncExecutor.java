package dev.billingsync.sync;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Runs syncs started through the API, a few at a time. Deliberately not an {@code Executor} bean (one would replace
 * Spring Boot's application task executor). On shutdown, runs in flight get time to finish, and queued ones only
 * record that they did not start (the run checks that the service is stopping before it calls Atlas) and release
 * their org's lock.
 */
@Component
class ManualSyncExecutor implements DisposableBean {

    private final ThreadPoolExecutor pool =
            new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(16), r -> {
                Thread thread = new Thread(r, "sync-manual");
                thread.setDaemon(false);
                return thread;
            });

    /** Runs {@code command} soon; rejects it when 2 syncs run and 16 wait already. */
    void submit(Runnable command) {
        pool.execute(command);
    }

    @Override
    public void destroy() throws InterruptedException {
        pool.shutdown();
        pool.awaitTermination(60, TimeUnit.SECONDS);
    }
}
