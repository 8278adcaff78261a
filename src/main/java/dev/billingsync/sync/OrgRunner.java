package dev.billingsync.sync;

import dev.billingsync.sync.ConfiguredOrgs.ConfiguredOrg;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Runs one org's sync now; {@link OrgSync} is the implementation, tests of the schedule use a fake. */
@FunctionalInterface
interface OrgRunner {

    Optional<SyncRun> run(ConfiguredOrg org, SyncRun.Trigger trigger, @Nullable Instant tick);

    /** Closes runs left running by replicas that died, where their lock is free now. */
    default void closeAbandonedRuns() {}
}
