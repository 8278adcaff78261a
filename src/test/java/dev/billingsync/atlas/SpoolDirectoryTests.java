package dev.billingsync.atlas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolDirectoryTests {

    @TempDir
    Path base;

    @Test
    void deletesTheFoldersOfProcessesThatDiedAndKeepsTheLiveOnes() throws IOException {
        // A process killed mid-download: its folder and body are left, and nobody holds its owner lock any more.
        Path dead = Files.createDirectories(base.resolve("billing-sync-spool-123"));
        Files.createFile(dead.resolve(".owner"));
        Files.write(dead.resolve("atlas-1.body"), new byte[4096]);
        Path unrelated = Files.createDirectories(base.resolve("someone-elses-folder"));

        try (SpoolDirectory live = SpoolDirectory.open(base)) {
            assertThat(dead).doesNotExist();
            assertThat(unrelated).exists();
            assertThat(live.path()).isDirectory().startsWith(base);
            Files.write(live.path().resolve("atlas-2.body"), new byte[16]);

            // A second client (another application context in this JVM) leaves the first one's folder alone.
            try (SpoolDirectory other = SpoolDirectory.open(base)) {
                assertThat(live.path()).exists();
                assertThat(live.path().resolve("atlas-2.body")).exists();
                assertThat(other.path()).isNotEqualTo(live.path());
            }
            assertThat(live.path()).exists();
        }
        try (var left = Files.list(base)) {
            assertThat(left).containsExactly(unrelated);
        }
    }
}
