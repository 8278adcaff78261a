package dev.billingsync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The summary table of a benchmark run ({@code ./mvnw -Pbench verify}): each benchmark appends its lines to
 * {@code target/bench-summary.txt}, emptied by the first line this JVM writes; the bench profile prints the file after
 * the benchmarks (pom.xml, maven-antrun-plugin).
 */
public final class BenchSummary {

    static final Path FILE = Path.of("target", "bench-summary.txt");

    private static boolean written;

    private BenchSummary() {}
    /** A DESIGN §8 ratio with the absolute figures behind it, and whether it meets its goal. */
    public static void ratio(String benchmark, String measure, double value, String goal, boolean met, String figures) {
        append(String.format(
                Locale.ROOT,
                "%-18s %-52s %8.2f  goal %-8s %-6s  %s",
                benchmark,
                measure,
                value,
                goal,
                met ? "met" : "MISSED",
                figures));
    }

    /** An absolute figure reported beside the ratios. */
    public static void figure(String benchmark, String measure, String value) {
        append(String.format(Locale.ROOT, "%-18s %-52s %s", benchmark, measure, value));
    }

    private static synchronized void append(String line) {
        try {
            Files.createDirectories(FILE.getParent());
            if (!written) {
                Files.deleteIfExists(FILE);
                written = true;
            }
            Files.writeString(
                    FILE,
                    line + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("[bench-summary] " + line);
    }
}
