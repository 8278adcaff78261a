package dev.billingsync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportPermitsTests {

    @TempDir
    Path spool;

    @Test
    void refusesAnExportBeyondTheCapWithA429AndRetryAfter() {
        ExportPermits permits = new ExportPermits(new ApiProperties.Exports(2, Duration.ofSeconds(30), spool));
        ExportPermits.Permit first = permits.acquire();
        permits.acquire();

        assertThatThrownBy(permits::acquire).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.errorCode()).isEqualTo("TOO_MANY_EXPORTS");
            assertThat(e.headers().getFirst("Retry-After")).isEqualTo("30");
        });
        first.close();
        first.close(); // a second close must not free a place it does not hold
        permits.acquire();
        assertThatThrownBy(permits::acquire).isInstanceOf(ApiException.class);
    }

    @Test
    void sweepsSpoolFilesOfDeadProcessesAndOfThisProcessIdOnly() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        long self = ProcessHandle.current().pid();
        long live = ProcessHandle.current().parent().orElseThrow().pid();
        Path predecessor = Files.createFile(spool.resolve(ExportPermits.SPOOL_PREFIX + self + "-1.spool"));
        Path dead = Files.createFile(spool.resolve(ExportPermits.SPOOL_PREFIX + finished.pid() + "-2.spool"));
        Path alive = Files.createFile(spool.resolve(ExportPermits.SPOOL_PREFIX + live + "-3.spool"));
        Path other = Files.createFile(spool.resolve("something-else.spool"));

        new ExportPermits(new ApiProperties.Exports(4, Duration.ofSeconds(30), spool)).sweepOrphans();

        assertThat(predecessor).doesNotExist();
        assertThat(dead).doesNotExist();
        assertThat(alive).exists();
        assertThat(other).exists();
    }
}
