package dev.billingsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.atlas.AtlasProperties;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.support.CronExpression;

class SyncScheduleTests {

    static final ConfiguredOrgs ORGS = new ConfiguredOrgs(
            new OrgProperties(List.of(
                    new OrgProperties.Org("5f0c1a2b3c4d5e6f7a8b9c01", "Acme", "client", "secret", null, null),
                    new OrgProperties.Org("5f0c1a2b3c4d5e6f7a8b9c02", "Acme Labs", "client", "secret", null, null))),
            new AtlasProperties(URI.create("https://cloud.mongodb.com"), null, null, null, null,
                    new AtlasProperties.Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(15)),
                    new AtlasProperties.Retry(5, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(5)),
                    new AtlasProperties.Versions("2023-01-01", "2023-01-01"),
                    null));

    @Test
    void aTickIsTheLatestFireTimeSoEveryReplicaAgreesOnIt() {
        CronExpression hourly = CronExpression.parse("0 0 * * * *");
        assertThat(SyncSchedule.latestFireTime(hourly, Instant.parse("2026-11-22T10:00:00.004Z")))
                .isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
        assertThat(SyncSchedule.latestFireTime(hourly, Instant.parse("2026-11-22T10:59:58Z")))
                .isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
        // a scheduler firing a hair early still names the tick it fired for
        assertThat(SyncSchedule.latestFireTime(hourly, Instant.parse("2026-11-22T10:59:59.700Z")))
                .isEqualTo(Instant.parse("2026-11-22T11:00:00Z"));
        CronExpression monthly = CronExpression.parse("0 0 6 1 * *");
        assertThat(SyncSchedule.latestFireTime(monthly, Instant.parse("2026-11-22T10:00:00Z")))
                .isEqualTo(Instant.parse("2026-11-01T06:00:00Z"));
    }

    @Test
    void startsNoOrgOnceTheApplicationIsShuttingDown() {
        AtomicInteger runs = new AtomicInteger();
        OrgRunner runner = (org, trigger, tick) -> {
            runs.incrementAndGet();
            return Optional.empty();
        };
        SyncShutdown shutdown = new SyncShutdown();
        SyncSchedule schedule = schedule(runner, shutdown);

        schedule.runTick();
        assertThat(runs).hasValue(2);

        shutdown.onClose();
        schedule.runTick();
        schedule.runStartup();
        assertThat(runs).as("no org started after shutdown began").hasValue(2);
    }

    @Test
    void anOrgWhoseRunThrowsDoesNotEndTheRoundForTheOthers() {
        List<String> ran = new CopyOnWriteArrayList<>();
        AtomicInteger abandonedChecks = new AtomicInteger();
        OrgRunner runner = new OrgRunner() {
            @Override
            public Optional<SyncRun> run(ConfiguredOrgs.ConfiguredOrg org, SyncRun.Trigger trigger, Instant tick) {
                ran.add(org.id());
                if (ran.size() == 1) {
                    throw new IllegalStateException("the database went away while starting this org's run");
                }
                return Optional.empty();
            }

            @Override
            public void closeAbandonedRuns() {
                abandonedChecks.incrementAndGet();
                throw new IllegalStateException("and while looking for abandoned runs");
            }
        };
        SyncSchedule schedule = schedule(runner, new SyncShutdown());

        schedule.runTick();

        assertThat(ran).as("every org was started, in the round's order")
                .containsExactlyInAnyOrderElementsOf(ORGS.all().stream().map(ConfiguredOrgs.ConfiguredOrg::id).toList());
        assertThat(abandonedChecks).hasValue(1);
    }

    private static SyncSchedule schedule(OrgRunner runner, SyncShutdown shutdown) {
        SyncProperties properties = new SyncProperties(
                true, "0 0 * * * *", true, Duration.ofMinutes(5), Duration.ofMinutes(2), List.of("PAID"),
                Duration.ofMinutes(30), 12);
        // runStartup consults the run log only for orgs it would start; none are started once shutting down
        SyncRunLog noRunLog = new SyncRunLog(null, null, null);
        return new SyncSchedule(ORGS, runner, noRunLog, properties, Clock.system(ZoneOffset.UTC), shutdown);
    }
}
