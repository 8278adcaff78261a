package dev.billingsync.sync;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationContext;

/**
 * A manual sync of one configured org, run on the calling thread, as tests outside {@code sync} see it (its run
 * record is the module's own).
 *
 * @param status how the run ended: {@code SUCCEEDED}, {@code PARTIAL} or {@code FAILED}
 */
public record ManualRun(
        long id,
        String status,
        int lineItemsWritten,
        @Nullable String errorCode) {

    /** Syncs the configured org now; throws when it did not run (another run holds its lock). */
    public static ManualRun of(ApplicationContext context, String orgId) {
        ConfiguredOrg org = context.getBean(OrgCredentials.class).find(orgId).orElseThrow();
        SyncRun run = context.getBean(OrgSync.class)
                .run(org, SyncRun.Trigger.MANUAL, null)
                .orElseThrow();
        return new ManualRun(run.id(), run.status().name(), run.lineItemsWritten(), run.errorCode());
    }

    /** The configured orgs' ids, in configuration order. */
    public static List<String> configuredOrgIds(ApplicationContext context) {
        return context.getBean(OrgCredentials.class).all().stream()
                .map(ConfiguredOrg::id)
                .toList();
    }
}
