package dev.billingsync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A second instance of the service in its own JVM with a 256 MB heap ({@code -Xmx256m}, exiting on
 * {@code OutOfMemoryError}), on a database of the test PostgreSQL, for the benchmarks that must show the heap stays
 * bounded. Its peak heap is read from its GC log: the occupancy before each collection (and the live set after one).
 */
public final class SmallHeapInstance implements AutoCloseable {

    private static final Pattern GC_LINE = Pattern.compile("GC\\(\\d+\\) Pause.* (\\d+)M->(\\d+)M\\(\\d+M\\)");

    /** Peak heap in MB: the most in use before a collection, and the most still live after one. */
    public record Heap(long peakBeforeGc, long peakAfterGc, int collections) {}

    private final Process process;
    private final Path log;
    private final Path gcLog;
    private final URI base;

    private SmallHeapInstance(Process process, Path log, Path gcLog, int port) {
        this.process = process;
        this.log = log;
        this.gcLog = gcLog;
        this.base = URI.create("http://localhost:" + port);
    }

    /** Starts the service on a free port against database {@code jdbcUrl}; {@code args} are its Spring arguments. */
    public static SmallHeapInstance start(String jdbcUrl, List<String> args) {
        try {
            int port = freePort();
            Path log = Files.createTempFile("bench-small-heap", ".log");
            Path gcLog = Files.createTempFile("bench-small-heap", ".gc.log");
            TestPostgres.Server server = TestPostgres.server();
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-XX:+ExitOnOutOfMemoryError",
                    "-Xlog:gc:file=" + gcLog,
                    "-cp",
                    System.getProperty("java.class.path"),
                    BillingSyncApplication.class.getName(),
                    "--server.port=" + port,
                    "--spring.datasource.url=" + jdbcUrl,
                    "--spring.datasource.username=" + server.user(),
                    "--spring.datasource.password=" + server.password()));
            command.addAll(args);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new SmallHeapInstance(process, log, gcLog, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI base() {
        return base;
    }

    /** Waits until the readiness probe answers 200. */
    public void awaitReady(Duration atMost) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        URI readiness = base.resolve("/actuator/health/readiness");
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the small-heap instance died at startup; its log: " + log);
            }
            try {
                int status = http.send(
                                HttpRequest.newBuilder(readiness).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                if (status == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the small-heap instance was not ready within " + atMost + "; its log: " + log);
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** True if the instance's log shows an {@code OutOfMemoryError}. */
    public boolean ranOutOfMemory() {
        try {
            return Files.readString(log).contains("OutOfMemoryError");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The number of collections so far: pass it to {@link #heapSince(int)} to see one phase only. */
    public int mark() {
        return heapSince(0).collections();
    }

    /** Peak heap over the collections after the first {@code skip} ones. */
    public Heap heapSince(int skip) {
        long before = 0;
        long after = 0;
        int seen = 0;
        try {
            for (String line : Files.readAllLines(gcLog)) {
                Matcher m = GC_LINE.matcher(line);
                if (m.find() && seen++ >= skip) {
                    before = Math.max(before, Long.parseLong(m.group(1)));
                    after = Math.max(after, Long.parseLong(m.group(2)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Heap(before, after, seen);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
