package dev.billingsync.sync;

import dev.billingsync.orgs.ConfiguredOrgs;
import dev.billingsync.orgs.Org;
import dev.billingsync.sync.SyncFreshness.OrgRecord;
import dev.billingsync.sync.SyncFreshness.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code syncFreshness} in {@code /actuator/health}: per configured org, how long ago it last synced successfully.
 * Past {@code billing.health.freshness.warn-after} the indicator reports {@code billing.health.freshness.status}
 * (WARNING, HTTP 200). It belongs to the default health group only: stale data is a reason to look, not to restart
 * a pod or take it out of the Service while Atlas is down.
 */
@Component
class SyncFreshnessHealthIndicator implements HealthIndicator {

    private final ConfiguredOrgs orgs;
    private final SyncFreshness freshness;
    private final Clock clock;
    private final Duration warnAfter;
    private final String staleStatus;

    SyncFreshnessHealthIndicator(
            ConfiguredOrgs orgs, SyncFreshness freshness, Clock clock, SyncHealthProperties properties) {
        this.orgs = orgs;
        this.freshness = freshness;
        this.clock = clock;
        this.warnAfter = properties.freshness().warnAfter();
        this.staleStatus = properties.freshness().status();
    }

    @Override
    public Health health() {
        Optional<Snapshot> read = freshness.snapshot();
        if (read.isEmpty()) {
            return Health.unknown()
                    .withDetail("reason", "last sync times not read from the database yet")
                    .build();
        }
        Snapshot snapshot = read.get();
        Instant now = clock.instant();
        Map<String, Object> details = new LinkedHashMap<>();
        List<String> stale = new ArrayList<>();
        for (Org org : orgs.all()) {
            @Nullable OrgRecord record = snapshot.orgs().get(org.id());
            @Nullable Instant lastSuccess = record == null ? null : record.lastSuccessAt();
            Instant since =
                    lastSuccess != null ? lastSuccess : record != null ? record.createdAt() : freshness.watchingSince();
            Duration age = Duration.between(since, now);
            boolean isStale = age.compareTo(warnAfter) > 0;
            if (isStale) {
                stale.add(org.id());
            }
            Map<String, Object> orgDetails = new LinkedHashMap<>();
            if (org.name() != null) {
                orgDetails.put("name", org.name());
            }
            orgDetails.put("lastSuccessAt", lastSuccess == null ? "never" : lastSuccess.toString());
            orgDetails.put("ageSeconds", Math.max(0, age.toSeconds()));
            orgDetails.put("stale", isStale);
            details.put(org.id(), orgDetails);
        }
        return Health.status(stale.isEmpty() ? "UP" : staleStatus)
                .withDetail("warnAfter", warnAfter.toString())
                .withDetail("staleOrgs", stale)
                .withDetail("orgs", details)
                .withDetail("readAt", snapshot.readAt().toString())
                .build();
    }
}
