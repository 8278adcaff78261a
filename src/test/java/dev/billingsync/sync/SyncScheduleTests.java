package dev.billingsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.billingsync.atlas.AtlasCredentials;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.support.CronExpression;

class SyncScheduleTests {

    static final ConfiguredOrgs.ConfiguredOrg ORG = new ConfiguredOrgs.ConfiguredOrg(
            "5f0c1a2b3c4d5e6f7a8b9c01", "Acme", new AtlasCredentials.ServiceAccount("id", "secret"));

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
        OrgSync orgSync = mock(OrgSync.class);
        when(orgSync.run(any(), any(), any())).thenReturn(Optional.empty());
        SyncShutdown shutdown = new SyncShutdown();
        SyncSchedule schedule = schedule(orgSync, shutdown);

        schedule.runTick();
        verify(orgSync).run(any(), any(), any());

        shutdown.onClose();
        OrgSync afterClose = mock(OrgSync.class);
        schedule(afterClose, shutdown).runTick();
        schedule(afterClose, shutdown).runStartup();
        verify(afterClose, never()).run(any(), any(), any());
    }

    private static SyncSchedule schedule(OrgSync orgSync, SyncShutdown shutdown) {
        ConfiguredOrgs orgs = mock(ConfiguredOrgs.class);
        when(orgs.all()).thenReturn(List.of(ORG));
        SyncRunLog runLog = mock(SyncRunLog.class);
        when(runLog.latest(any())).thenReturn(Optional.empty());
        SyncProperties properties = new SyncProperties(true, "0 0 * * * *", true, java.time.Duration.ofMinutes(5),
                java.time.Duration.ofMinutes(2), List.of("PAID"));
        return new SyncSchedule(orgs, orgSync, runLog, properties, Clock.system(ZoneOffset.UTC), shutdown);
    }
}
