package dev.billingsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.atlas.AtlasProperties;
import dev.billingsync.orgs.ConfiguredOrgs;
import dev.billingsync.orgs.OrgDiscoveryProperties;
import dev.billingsync.orgs.OrgProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.support.CronExpression;

class SyncScheduleTests {

    static final AtlasProperties ORGS_ATLAS = new AtlasProperties(
            URI.create("https://cloud.mongodb.com"),
            null,
            null,
            null,
            null,
            new AtlasProperties.Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(15)),
            new AtlasProperties.Retry(5, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(5)),
            new AtlasProperties.Versions("2023-01-01", "2023-01-01"),
            null);

    static final OrgCredentials ORGS = credentials(new OrgProperties(List.of(
            new OrgProperties.Org("5f0c1a2b3c4d5e6f7a8b9c01", "Acme", "client", "secret", null, null),
            new OrgProperties.Org("5f0c1a2b3c4d5e6f7a8b9c02", "Acme Labs", "client", "secret", null, null))));

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
            public Optional<SyncRun> run(ConfiguredOrg org, SyncRun.Trigger trigger, Instant tick) {
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

        assertThat(ran)
                .as("every org was started, in the round's order")
                .containsExactlyInAnyOrderElementsOf(
                        ORGS.all().stream().map(ConfiguredOrg::id).toList());
        assertThat(abandonedChecks).hasValue(1);
    }

    @Test
    void aRunWaitingForCostExplorerFreesItsWorkerForTheNextOrg() throws Exception {
        OrgCredentials twelve = orgs(12);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger onWorkers = new AtomicInteger();
        AtomicInteger mostOnWorkers = new AtomicInteger();
        List<CompletableFuture<OrgRunner.Attempt>> waiting = new CopyOnWriteArrayList<>();
        OrgRunner runner = new OrgRunner() {
            @Override
            public Optional<SyncRun> run(ConfiguredOrg org, SyncRun.Trigger trigger, Instant tick) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletableFuture<OrgRunner.Attempt> runAsync(
                    ConfiguredOrg org, SyncRun.Trigger trigger, Instant tick) {
                mostOnWorkers.accumulateAndGet(onWorkers.incrementAndGet(), Math::max);
                threads.add(Thread.currentThread().getName());
                CompletableFuture<OrgRunner.Attempt> costExplorer = new CompletableFuture<>();
                waiting.add(costExplorer);
                if (waiting.size() == 12) {
                    // Only once every org has started does any Cost Explorer wait end: with a worker held per wait,
                    // 3 workers could never start the 4th org.
                    waiting.forEach(w -> w.complete(OrgRunner.Attempt.ran(finished(org, SyncRun.Status.SUCCEEDED))));
                }
                onWorkers.decrementAndGet();
                return costExplorer;
            }
        };
        MeterRegistry meters = new SimpleMeterRegistry();
        SyncSchedule schedule = schedule(twelve, runner, new SyncShutdown(), 3, meters);

        CompletableFuture.runAsync(schedule::runTick).get(30, TimeUnit.SECONDS);

        assertThat(waiting).hasSize(12).allSatisfy(w -> assertThat(w).isDone());
        assertThat(mostOnWorkers.get()).isLessThanOrEqualTo(3);
        assertThat(threads).isNotEmpty().allSatisfy(name -> assertThat(name).startsWith("sync-worker-"));
        assertThat(threads.size()).isLessThanOrEqualTo(3);
        assertThat(meters.get(SyncMetrics.ROUND_ORGS)
                        .tag("state", "due")
                        .gauge()
                        .value())
                .isEqualTo(12);
        assertThat(meters.get(SyncMetrics.ROUND_ORGS)
                        .tag("state", "started")
                        .gauge()
                        .value())
                .isEqualTo(12);
        assertThat(meters.get(SyncMetrics.ROUND_ORGS)
                        .tag("state", "succeeded")
                        .gauge()
                        .value())
                .isEqualTo(12);
        assertThat(meters.get(SyncMetrics.ROUND_DURATION)
                        .tag("trigger", "SCHEDULED")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aRoundCountsItsOrgsByWhatBecameOfThem() {
        ConfiguredOrg org = ORGS.all().get(0);
        List<SyncSchedule.Turn> turns = List.of(
                new SyncSchedule.Turn(org, OrgRunner.Attempt.ran(finished(org, SyncRun.Status.SUCCEEDED)), false),
                new SyncSchedule.Turn(org, OrgRunner.Attempt.ran(finished(org, SyncRun.Status.PARTIAL)), false),
                new SyncSchedule.Turn(org, OrgRunner.Attempt.ran(finished(org, SyncRun.Status.FAILED)), false),
                new SyncSchedule.Turn(org, OrgRunner.Attempt.skipped(OrgRunner.Skipped.LOCKED), false),
                new SyncSchedule.Turn(org, OrgRunner.Attempt.skipped(OrgRunner.Skipped.NOT_DUE), false),
                new SyncSchedule.Turn(org, null, true),
                new SyncSchedule.Turn(org, null, false));

        SyncSchedule.Round round = SyncSchedule.tally(8, 1, turns, Duration.ofSeconds(3));

        assertThat(round).isEqualTo(new SyncSchedule.Round(8, 3, 1, 2, 1, 1, 2, Duration.ofSeconds(3)));
    }

    @Test
    void costExplorerIsDueOnlyWhenItsLastRefreshIsOlderThanRefreshAfter() {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");
        Duration sixHours = Duration.ofHours(6);
        assertThat(CostSync.refreshDue(null, now, sixHours))
                .as("never refreshed")
                .isTrue();
        assertThat(CostSync.refreshDue(now.minus(Duration.ofHours(5)), now, sixHours))
                .isFalse();
        assertThat(CostSync.refreshDue(now.minus(sixHours), now, sixHours)).isTrue();
        assertThat(CostSync.refreshDue(now.minus(Duration.ofDays(1)), now, sixHours))
                .isTrue();
        assertThat(CostSync.refreshDue(now, now, Duration.ZERO))
                .as("refresh-after 0: every run")
                .isTrue();
    }

    private static SyncRun finished(ConfiguredOrg org, SyncRun.Status status) {
        SyncRun run = SyncRun.start(org.id(), SyncRun.Trigger.SCHEDULED, null, Instant.now(), "test");
        switch (status) {
            case SUCCEEDED -> run.succeed(SyncCounts.NONE, Instant.now());
            case PARTIAL -> run.partiallySucceed(SyncCounts.NONE, "X", "x", Instant.now());
            case FAILED -> run.fail(SyncCounts.NONE, "X", "x", Instant.now());
            default -> {}
        }
        return run;
    }

    private static OrgCredentials orgs(int count) {
        List<OrgProperties.Org> orgs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            orgs.add(new OrgProperties.Org(
                    String.format("5f0c1a2b3c4d5e6f7a8b%04x", i), null, "client", "secret", null, null));
        }
        return credentials(new OrgProperties(orgs));
    }

    private static OrgCredentials credentials(OrgProperties properties) {
        return new OrgCredentials(new ConfiguredOrgs(properties), properties, ORGS_ATLAS);
    }

    private static SyncSchedule schedule(OrgRunner runner, SyncShutdown shutdown) {
        return schedule(ORGS, runner, shutdown, 4, new SimpleMeterRegistry());
    }

    static SyncSchedule schedule(
            OrgCredentials orgs, OrgRunner runner, SyncShutdown shutdown, int parallelism, MeterRegistry meters) {
        SyncProperties properties = new SyncProperties(
                true,
                "0 0 * * * *",
                true,
                Duration.ofMinutes(5),
                Duration.ofMinutes(2),
                List.of("PAID"),
                Duration.ofMinutes(30),
                12,
                parallelism);
        // runStartup consults the run log only for orgs it would start; none are started once shutting down
        SyncRunLog noRunLog = new SyncRunLog(null, null, null);
        SyncMetrics metrics = new SyncMetrics(meters, NO_ORGS, null);
        Clock clock = Clock.system(ZoneOffset.UTC);
        SyncedOrgs synced = new SyncedOrgs(orgs, new OrgDiscoveryProperties(false, List.of()), null, null, null);
        return new SyncSchedule(
                synced, runner, noRunLog, properties, clock, shutdown, new SyncWorkers(properties, shutdown), metrics);
    }

    static final ConfiguredOrgs NO_ORGS = new ConfiguredOrgs(new OrgProperties(List.of()));
}
