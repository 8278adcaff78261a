package dev.billingsync.sync;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The sync schedule ({@code billing.sync.*}).
 *
 * @param enabled whether the schedule runs at all
 * @param cron when the schedule fires, a Spring cron expression evaluated in UTC (default: every hour on the hour)
 * @param runOnStartup sync every org once as soon as the application is ready
 * @param startupGrace a startup run skips an org whose last run started less than this long ago (replicas starting
 *     together, or a rolling restart, then do not sync every org again)
 * @param lockAtMostFor how long a replica's per-org lock outlives a replica that died; it is extended while alive
 * @param finalInvoiceStatuses no longer used: the invoice list tells which closed invoice changed (a refund on a PAID
 *     invoice included); setting it only logs a warning at startup
 * @param orgTimeBudget how long one org's run may take: past it, no further stored invoice is fetched and Cost Explorer
 *     stops polling, so one slow org cannot hold its lock and a worker for hours
 * @param historyMonths closed invoices kept in sync: those whose period starts within this many whole months before
 *     the current one (0: pending invoices only, at most 60)
 * @param parallelism orgs this replica syncs at the same time (1 to 64): worker threads, each holding at most one
 *     database connection at a time, so the connection pool needs at least this many plus headroom for the API
 */
@ConfigurationProperties("billing.sync")
@Validated
public record SyncProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("0 0 * * * *") @NotBlank String cron,
        @DefaultValue("true") boolean runOnStartup,
        @DefaultValue("5m") Duration startupGrace,
        @DefaultValue("2m") @DurationMin(seconds = 2) Duration lockAtMostFor,
        @DefaultValue List<String> finalInvoiceStatuses,
        @DefaultValue("30m") @DurationMin(minutes = 1) Duration orgTimeBudget,
        @DefaultValue("12") @Min(0) @Max(60) int historyMonths,
        @DefaultValue("4") @Min(1) @Max(64) int parallelism) {}
