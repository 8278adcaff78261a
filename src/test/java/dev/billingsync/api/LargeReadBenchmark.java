package dev.billingsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BenchSummary;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.SmallHeapInstance;
import dev.billingsync.TestPostgres;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.sync.ManualRun;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * DESIGN §8 "Large reads": a second instance of the service with a 256 MB heap serves three concurrent
 * {@code GET .../invoices/pending} of a 200,000-line invoice, then the invoice's line items as CSV; reports each
 * phase's time and peak heap (from the instance's GC log) and that it survived. The invoice is synced in this JVM
 * first, into a database the instance shares. Not part of {@code ./mvnw verify}; run it with
 * {@code ./mvnw -B -ntp -Pbench verify -Dit.test=LargeReadBenchmark}.
 */
@BillingSyncIntegrationTest(
        properties = {
            "billing.cost-explorer.enabled=false",
            "billing.sync.history-months=0",
            "billing.test.database=" + LargeReadBenchmark.DATABASE
        })
class LargeReadBenchmark {

    static final String DATABASE = "bench_large_read";
    static final String ORG = "be4c1a2b3c4d5e6f7a8b9c01";
    static final String KEY = "bench-large-read-0123456789abcdef";
    static final String NAME = "LargeRead";

    @AtlasUnderTest(clientId = "bench-client", clientSecret = "bench-secret")
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static {
        atlas.addOrg(ORG, "Large", 96, 10_000, 20);
    }

    @Autowired
    ApplicationContext context;

    @Test
    void readsTheLargeInvoiceThreeTimesAtOnceAndAsCsvInA256MegabyteHeap() throws Exception {
        assertThat(ManualRun.of(context, ORG).lineItemsWritten())
                .isEqualTo(atlas.org(ORG).pendingLineItemsWithLinked());
        assertThat(atlas.org(ORG).lineItemCount(atlas.org(ORG).pendingInvoiceId()))
                .isEqualTo(200_000);
        String invoice = atlas.org(ORG).pendingInvoiceId();
        try (SmallHeapInstance child = SmallHeapInstance.start(
                TestPostgres.sharedDatabase(DATABASE),
                List.of(
                        "--billing.sync.enabled=false",
                        "--billing.cost-explorer.enabled=false",
                        "--billing.atlas.base-url=" + atlas.baseUrl(),
                        "--billing.atlas.client-id=bench-client",
                        "--billing.atlas.client-secret=bench-secret",
                        "--billing.orgs[0].id=" + ORG,
                        "--billing.security.api-keys[0].name=bench",
                        "--billing.security.api-keys[0].key=" + KEY,
                        "--billing.security.api-keys[0].roles=READ",
                        "--billing.security.api-keys[0].orgs=*"))) {
            child.awaitReady(Duration.ofMinutes(3));
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            SmallHeapInstance.Heap startup = child.heapSince(0);

            int pendingMark = child.mark();
            int mark = pendingMark;
            long start = System.nanoTime();
            List<CompletableFuture<long[]>> reads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                reads.add(read(http, child.base() + "/api/v1/orgs/" + ORG + "/invoices/pending", "application/json"));
            }
            long pendingBytes = 0;
            for (CompletableFuture<long[]> read : reads) {
                pendingBytes = read.get()[0];
            }
            double pendingSeconds = (System.nanoTime() - start) / 1e9;
            SmallHeapInstance.Heap pendingHeap = child.heapSince(mark);
            assertThat(child.alive()).as("alive after the pending reads").isTrue();

            int csvMark = child.mark();
            mark = csvMark;
            start = System.nanoTime();
            long[] csv = read(
                            http,
                            child.base() + "/api/v1/orgs/" + ORG + "/invoices/" + invoice + "/lineItems",
                            "text/csv")
                    .get();
            double csvSeconds = (System.nanoTime() - start) / 1e9;
            SmallHeapInstance.Heap csvHeap = child.heapSince(mark);
            boolean alive = child.alive();
            boolean outOfMemory = child.ranOutOfMemory();

            System.out.printf(
                    Locale.ROOT,
                    """

                    === Large reads benchmark (DESIGN §8): -Xmx256m instance, 200,000-line invoice ===
                    after startup:                peak %3d MB before a GC, %3d MB live after one
                    3 concurrent GET pending:     %6.2f s, %,d bytes each; peak %3d MB before a GC, %3d MB live after one (%d GCs)
                    CSV of the line items:        %6.2f s, %,d bytes, %,d lines; peak %3d MB before a GC, %3d MB live after one (%d GCs)
                    alive: %s, OutOfMemoryError: %s
                    ====================================================================================

                    """,
                    startup.peakBeforeGc(),
                    startup.peakAfterGc(),
                    pendingSeconds,
                    pendingBytes,
                    pendingHeap.peakBeforeGc(),
                    pendingHeap.peakAfterGc(),
                    pendingHeap.collections() - pendingMark,
                    csvSeconds,
                    csv[0],
                    csv[1],
                    csvHeap.peakBeforeGc(),
                    csvHeap.peakAfterGc(),
                    csvHeap.collections() - csvMark,
                    alive,
                    outOfMemory);
            BenchSummary.figure(
                    NAME,
                    "3 concurrent GET pending (200k lines), -Xmx256m",
                    String.format(
                            Locale.ROOT,
                            "%.1f s; peak heap %d MB before a GC, %d MB live after; alive: %s",
                            pendingSeconds,
                            pendingHeap.peakBeforeGc(),
                            pendingHeap.peakAfterGc(),
                            alive));
            BenchSummary.figure(
                    NAME,
                    "CSV of the 200k line items, -Xmx256m",
                    String.format(
                            Locale.ROOT,
                            "%.1f s, %,d bytes; peak heap %d MB before a GC, %d MB live after",
                            csvSeconds,
                            csv[0],
                            csvHeap.peakBeforeGc(),
                            csvHeap.peakAfterGc()));
            assertThat(alive).as("the 256 MB instance survived").isTrue();
            assertThat(outOfMemory).isFalse();
            assertThat(csv[1]).isEqualTo(200_001);
        }
    }

    /** Reads a body as a stream; returns its bytes and its number of line feeds. */
    private static CompletableFuture<long[]> read(HttpClient http, String url, String accept) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("X-API-Key", KEY)
                .header("Accept", accept)
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApplyAsync(response -> {
                    assertThat(response.statusCode()).isEqualTo(200);
                    try (InputStream body = response.body()) {
                        byte[] buffer = new byte[1 << 16];
                        long bytes = 0;
                        long lines = 0;
                        for (int n; (n = body.read(buffer)) > 0; ) {
                            bytes += n;
                            for (int i = 0; i < n; i++) {
                                if (buffer[i] == '\n') {
                                    lines++;
                                }
                            }
                        }
                        return new long[] {bytes, lines};
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }
}
