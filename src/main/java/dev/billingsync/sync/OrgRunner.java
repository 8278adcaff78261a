package dev.billingsync.sync;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** Runs one org's sync; {@link OrgSync} is the implementation, tests of the schedule use a fake. */
@FunctionalInterface
interface OrgRunner {

    /** Why an org of a round got no run here. */
    enum Skipped {
        /** Another run of the org holds its lock (another replica, or a manual run). */
        LOCKED,
        /** Not due: another replica ran it for this tick already, or it succeeded within the startup grace. */
        NOT_DUE
    }

    /** One org's turn in a round: its run as recorded when it ended, or why it had none. */
    record Attempt(@Nullable SyncRun run, @Nullable Skipped skipped) {

        static Attempt ran(SyncRun run) {
            return new Attempt(run, null);
        }

        static Attempt skipped(Skipped reason) {
            return new Attempt(null, reason);
        }
    }

    /** Syncs the org now, on this thread, until its run ends; empty when it was not started (see {@link Skipped}). */
    Optional<SyncRun> run(ConfiguredOrg org, SyncRun.Trigger trigger, @Nullable Instant tick);

    /**
     * Starts the org's sync on this thread (a sync worker); the future completes when its run has ended, which may be
     * after this thread went on with other work (a run waiting for Cost Explorer holds no thread).
     */
    default CompletableFuture<Attempt> runAsync(ConfiguredOrg org, SyncRun.Trigger trigger, @Nullable Instant tick) {
        return CompletableFuture.completedFuture(
                run(org, trigger, tick).map(Attempt::ran).orElseGet(() -> Attempt.skipped(Skipped.LOCKED)));
    }

    /** Closes runs left running by replicas that died, where their lock is free now. */
    default void closeAbandonedRuns() {}
}
