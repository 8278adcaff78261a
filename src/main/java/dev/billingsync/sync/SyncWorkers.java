package dev.billingsync.sync;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The replica's sync workers: {@code billing.sync.parallelism} threads that do an org run's work (Atlas calls that
 * download, parsing, database writes), and a timer that wakes a run when its wait (the next Cost Explorer poll) is
 * over. A waiting run holds its org's lock but no worker, so the worker takes the next org. Work of runs already under
 * way goes before orgs not started yet, so a started org finishes as soon as it can.
 *
 * <p>Deliberately not an {@code Executor} bean (one would replace Spring Boot's application task executor). On
 * shutdown the waits end at once (the runs then record that the service stopped), and the lifecycle stop lets the runs
 * in flight record their outcome before the workers stop, while the database is still there.
 */
@Component
class SyncWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SyncWorkers.class);

    private static final Duration DRAIN = Duration.ofSeconds(60);

    /** Continuations of runs under way run before new orgs; each kind in the order it was submitted. */
    private record Task(int priority, long sequence, Runnable work) implements Runnable, Comparable<Task> {

        @Override
        public void run() {
            work.run();
        }

        @Override
        public int compareTo(Task other) {
            int byPriority = Integer.compare(priority, other.priority);
            return byPriority != 0 ? byPriority : Long.compare(sequence, other.sequence);
        }
    }

    private static final int CONTINUATION = 0;
    private static final int NEW_ORG = 1;

    private final int parallelism;
    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService timer;
    private final SyncShutdown shutdown;
    private final AtomicLong sequence = new AtomicLong();
    private final Set<CompletableFuture<Void>> waits = ConcurrentHashMap.newKeySet();
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    SyncWorkers(SyncProperties properties, SyncShutdown shutdown) {
        this.parallelism = properties.parallelism();
        this.shutdown = shutdown;
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(
                parallelism, parallelism, 60, TimeUnit.SECONDS, new PriorityBlockingQueue<>(), r -> {
                    Thread thread = new Thread(r, "sync-worker-" + threads.incrementAndGet());
                    thread.setDaemon(false);
                    return thread;
                });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sync-timer");
            thread.setDaemon(true);
            return thread;
        });
        shutdown.whenStopping(this::endWaits);
    }

    int parallelism() {
        return parallelism;
    }

    /** Runs the first step of an org's run when a worker is free (after the work of runs already under way). */
    void startOrg(Runnable work) {
        pool.execute(new Task(NEW_ORG, sequence.incrementAndGet(), work));
    }

    /**
     * Where the steps of a run under way continue: a worker, ahead of orgs not started yet. Once the workers have
     * stopped (the last moments of a shutdown), the step runs on the calling thread, so a run still records its end.
     */
    Executor continuations() {
        return work -> {
            try {
                pool.execute(new Task(CONTINUATION, sequence.incrementAndGet(), work));
            } catch (RejectedExecutionException stopped) {
                work.run();
            }
        };
    }

    /** Completes after {@code wait}, holding no thread meanwhile; at once when the service is stopping. */
    CompletableFuture<Void> delay(Duration wait) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        waits.add(done);
        done.whenComplete((ignored, error) -> waits.remove(done));
        if (shutdown.stopping()) {
            done.complete(null);
            return done;
        }
        try {
            timer.schedule(() -> done.complete(null), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            done.complete(null);
        }
        return done;
    }

    /** Keeps the workers up until {@code run} ends, when the service stops (up to a minute). */
    <T> CompletableFuture<T> track(CompletableFuture<T> run) {
        inFlight.add(run);
        run.whenComplete((result, error) -> inFlight.remove(run));
        return run;
    }

    private void endWaits() {
        waits.forEach(wait -> wait.complete(null));
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        endWaits();
        try {
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                    .get(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("{} sync run(s) still in flight after {}; stopping the sync workers", inFlight.size(), DRAIN);
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(DRAIN.toSeconds(), TimeUnit.SECONDS)) {
                log.warn("Sync workers did not finish within {}", DRAIN);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the task scheduler (whose running round waits for these workers), before anything is destroyed. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1;
    }
}
