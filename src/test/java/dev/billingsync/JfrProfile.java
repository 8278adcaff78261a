package dev.billingsync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR recording of this JVM's CPU samples ({@code jdk.ExecutionSample}, every 10 ms) around one piece of work,
 * summarised into where the service's time goes: each sample is put in the first category (leaf frame first) whose
 * package or class prefix it hits. PostgreSQL works in its own process and is not sampled: a thread waiting on it is
 * not running, so it takes no sample.
 */
public final class JfrProfile implements AutoCloseable {

    /** Category → class-name prefixes; the first match from the leaf frame up decides. */
    private static final Map<String, List<String>> CATEGORIES = new LinkedHashMap<>();

    static {
        CATEGORIES.put("hash (SHA-256)", List.of("sun.security.provider.", "java.security.MessageDigest"));
        CATEGORIES.put("write (COPY rows, JDBC)", List.of("dev.billingsync.invoices.CopyRows", "org.postgresql."));
        CATEGORIES.put("translate (Atlas record to row)", List.of("dev.billingsync.sync.AtlasInvoiceTranslation"));
        CATEGORIES.put(
                "parse (Jackson)",
                List.of("tools.jackson.", "com.fasterxml.jackson.", "dev.billingsync.atlas.AtlasInvoiceReader"));
        CATEGORIES.put(
                "download (HTTP client, spool file)",
                List.of(
                        "dev.billingsync.atlas.AtlasResponseSpooler",
                        "dev.billingsync.atlas.AtlasOrgSession",
                        "reactor.",
                        "io.netty.",
                        "org.springframework.web.reactive."));
    }

    private final Recording recording = new Recording();
    private final Path file;

    private JfrProfile(Path file) {
        this.file = file;
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(10));
        recording.start();
    }

    /** Starts recording into {@code file} (kept for {@code jfr print}). */
    public static JfrProfile start(Path file) {
        return new JfrProfile(file);
    }

    /**
     * The summary: CPU samples of every thread but those whose names start with one of {@code ignoredThreads} (a
     * simulator in this JVM), and the samples of thread {@code worker} (the one that ran the work) while it was in
     * native code, which is where it waits on sockets and files (PostgreSQL reading a {@code COPY}).
     */
    public String stopAndSummarise(List<String> ignoredThreads, String worker, int hotMethods) {
        try {
            recording.stop();
            Files.createDirectories(file.toAbsolutePath().getParent());
            recording.dump(file);
            Map<String, Integer> byCategory = new LinkedHashMap<>();
            CATEGORIES.keySet().forEach(c -> byCategory.put(c, 0));
            byCategory.put("other (Spring, Hibernate, JDK)", 0);
            Map<String, Integer> hot = new TreeMap<>();
            Map<String, Integer> nativeByCategory = new LinkedHashMap<>();
            int natives = 0;
            int ignored = 0;
            int total = 0;
            for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
                String type = event.getEventType().getName();
                String thread = event.getThread("sampledThread") == null
                        ? ""
                        : String.valueOf(event.getThread("sampledThread").getJavaName());
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                if (type.equals("jdk.NativeMethodSample") && thread.equals(worker)) {
                    natives++;
                    nativeByCategory.merge(category(stack.getFrames()), 1, Integer::sum);
                    continue;
                }
                if (!type.equals("jdk.ExecutionSample")) {
                    continue;
                }
                if (ignoredThreads.stream().anyMatch(thread::startsWith)) {
                    ignored++;
                    continue;
                }
                total++;
                byCategory.merge(category(stack.getFrames()), 1, Integer::sum);
                RecordedFrame leaf = stack.getFrames().get(0);
                hot.merge(
                        leaf.getMethod().getType().getName() + "."
                                + leaf.getMethod().getName(),
                        1,
                        Integer::sum);
            }
            StringBuilder out = new StringBuilder(String.format(
                    Locale.ROOT,
                    "JFR CPU samples of the service: %d (10 ms period; %d of the simulator left out; %s)%n",
                    total,
                    ignored,
                    file));
            int all = Math.max(total, 1);
            byCategory.forEach((category, n) -> out.append(
                    String.format(Locale.ROOT, "  %-38s %6d samples %5.1f %%%n", category, n, 100.0 * n / all)));
            out.append(String.format(
                    Locale.ROOT,
                    "  thread %s in native code (socket and file I/O): %d samples, %s%n",
                    worker,
                    natives,
                    nativeByCategory));
            out.append("  hot leaf methods:\n");
            hot.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .limit(hotMethods)
                    .forEach(e -> out.append(String.format(Locale.ROOT, "    %6d  %s%n", e.getValue(), e.getKey())));
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Shares by category, in percent, of the last summary's samples (for the summary table). */
    public static String shares(String summary) {
        return summary.lines()
                .filter(l -> l.contains(" samples ") && l.endsWith("%"))
                .map(l -> l.trim().replaceAll("\\s+\\d+ samples\\s+", " ").replaceAll(" \\(.*\\)", ""))
                .collect(Collectors.joining(", "));
    }

    private static String category(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            for (Map.Entry<String, List<String>> c : CATEGORIES.entrySet()) {
                for (String prefix : c.getValue()) {
                    if (type.startsWith(prefix)) {
                        return c.getKey();
                    }
                }
            }
        }
        return "other (Spring, Hibernate, JDK)";
    }

    @Override
    public void close() {
        recording.close();
    }
}
