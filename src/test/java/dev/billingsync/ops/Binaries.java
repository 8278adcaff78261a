package dev.billingsync.ops;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Optional command-line validators (promtool, docker-compose): tests use them when installed and skip otherwise. */
final class Binaries {

    private Binaries() {}

    /** The executable named {@code binary} on the PATH, if any. */
    static @Nullable Path onPath(String binary) {
        String path = System.getenv("PATH");
        for (String directory : path == null ? new String[0] : path.split(File.pathSeparator)) {
            Path candidate = Path.of(directory, binary);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
