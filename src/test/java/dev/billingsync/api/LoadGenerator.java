package dev.billingsync.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A small closed-loop HTTP load generator for the benchmarks: {@code clients} threads, each sending GETs one after the
 * other over the JDK HttpClient (HTTP/1.1, kept-alive connections) for a fixed time and at most a fixed number of
 * requests, checking every answer's status and length. Only loopback targets.
 */
final class LoadGenerator {

    /** What one load phase measured. */
    record Result(int requests, double seconds, double p50Millis, double p99Millis) {

        double perSecond() {
            return requests / seconds;
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%,8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%,d requests in %.1f s)",
                    perSecond(),
                    p50Millis,
                    p99Millis,
                    requests,
                    seconds);
        }
    }

    private static final int MAX_REQUESTS = 200_000;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final int clients;
    private final String apiKey;

    LoadGenerator(int clients, String apiKey) {
        this.clients = clients;
        this.apiKey = apiKey;
    }

    /** Loads {@code url} for {@code duration}; every answer must be 200 with {@code expectedBytes} bytes. */
    Result run(URI url, Duration duration, int expectedBytes) throws InterruptedException {
        return run(url, duration, expectedBytes, false);
    }

    /** As {@link #run(URI, Duration, int)}; {@code fresh} sends {@code Cache-Control: no-cache} with every request. */
    Result run(URI url, Duration duration, int expectedBytes, boolean fresh) throws InterruptedException {
        if (!"localhost".equals(url.getHost()) && !url.getHost().startsWith("127.")) {
            throw new IllegalArgumentException("load goes to this machine only: " + url);
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(url).header("X-API-Key", apiKey);
        if (fresh) {
            builder.header("Cache-Control", "no-cache");
        }
        HttpRequest request = builder.GET().build();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<List<Long>> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int c = 0; c < clients; c++) {
            List<Long> mine = new ArrayList<>();
            latencies.add(mine);
            Thread thread = new Thread(
                    () -> {
                        try {
                            while (System.nanoTime() < end && mine.size() < MAX_REQUESTS / clients) {
                                long sent = System.nanoTime();
                                HttpResponse<byte[]> response =
                                        http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                                mine.add(System.nanoTime() - sent);
                                if (response.statusCode() != 200 || response.body().length != expectedBytes) {
                                    throw new IllegalStateException("answer " + response.statusCode() + " with "
                                            + response.body().length + " bytes from " + url);
                                }
                            }
                        } catch (IOException | RuntimeException e) {
                            failure.compareAndSet(null, e);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "load-" + c);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            throw new IllegalStateException("load failed", failure.get());
        }
        List<Long> all = new ArrayList<>();
        latencies.forEach(all::addAll);
        Collections.sort(all);
        return new Result(
                all.size(),
                seconds,
                all.get(all.size() / 2) / 1e6,
                all.get((int) Math.ceil(all.size() * 0.99) - 1) / 1e6);
    }
}
