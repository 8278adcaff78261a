package dev.billingsync.sync;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the sync reports its health ({@code billing.health.*}).
 *
 * @param freshness the sync-freshness health indicator
 */
@ConfigurationProperties("billing.health")
@Validated
public record SyncHealthProperties(
        @DefaultValue @NotNull @Valid Freshness freshness) {

    /**
     * The sync-freshness indicator ({@code syncFreshness} in {@code /actuator/health}). It is part of the default
     * health group only, never of liveness or readiness: an Atlas outage must not take replicas out of service.
     *
     * @param warnAfter An org whose last successful sync is older than this is stale and turns the indicator to
     *     {@code status}. An org that never synced successfully counts from when it was first configured (or from
     *     when this replica started, if it has no database row yet).
     * @param status Health status reported while an org is stale. It must appear in
     *     management.endpoint.health.status.order; WARNING (the default) is listed there, above UP, and maps to
     *     HTTP 200.
     * @param refreshInterval How often the last-success times are read from PostgreSQL (one query for all orgs). A
     *     health check or Prometheus scrape reads the last values read and never waits for the database.
     */
    public record Freshness(
            @DefaultValue("3h") @NotNull @DurationMin(seconds = 1)
            Duration warnAfter,

            @DefaultValue("WARNING") @NotBlank String status,

            @DefaultValue("15s") @NotNull @DurationMin(millis = 100)
            Duration refreshInterval) {}
}
