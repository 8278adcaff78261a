package dev.billingsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.TestApiKey;
import dev.billingsync.invoices.InvoiceLineItem;
import dev.billingsync.invoices.InvoiceStore;
import dev.billingsync.invoices.PendingInvoices;
import dev.billingsync.invoices.UpstreamInvoice;
import dev.billingsync.invoices.UpstreamLineItem;
import dev.billingsync.simulator.AtlasSimulator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Readers never see half of one sync and half of the next (DESIGN §5.4): while a writer commits ever new versions of
 * one invoice, every full invoice, pending list and line-item page read answers one whole version. The versions check
 * themselves: version N has N line items of N cents each, every line tagged {@code version=N}, and
 * {@code amountBilledCents} N×N.
 */
@BillingSyncIntegrationTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "billing.cost-explorer.enabled=false")
@TestApiKey(name = "reader", key = SnapshotReadIntegrationTests.READER, roles = "READ")
class SnapshotReadIntegrationTests {

    static final String READER = "snapshot-reader-0123456789abcdef";
    static final String ORG = "5a0c1a2b3c4d5e6f7a8b9c01";
    static final String INVOICE = "5a1c1a2b3c4d5e6f7a8b9c01";
    static final Duration HAMMERING = Duration.ofSeconds(6);

    @AtlasUnderTest
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static {
        atlas.addOrg(ORG, "Snapshot Org", 11, 1);
    }

    @LocalServerPort
    int port;

    @Autowired
    InvoiceStore store;

    @Autowired
    TransactionTemplate transactions;

    @Test
    void readersNeverMixTwoVersionsOfAnInvoice() throws Exception {
        writeVersion(1000);
        ApiTestClient api = new ApiTestClient(port);
        String base = "/api/v1/orgs/" + ORG + "/invoices/";
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger versions = new AtomicInteger();
        ConcurrentLinkedQueue<String> torn = new ConcurrentLinkedQueue<>();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            Future<?> writer = threads.submit(() -> {
                // Sizes alternate widely so that a read spanning a commit has every chance to mix them.
                for (int i = 0; running.get(); i++) {
                    writeVersion(i % 2 == 0 ? 1500 + i % 400 : 1000 + i % 300);
                    versions.incrementAndGet();
                }
                return null;
            });
            List<Future<?>> readers = new ArrayList<>();
            for (String kind : List.of("pending", "invoice", "page")) {
                readers.add(threads.submit(() -> {
                    while (running.get()) {
                        switch (kind) {
                            case "pending" -> {
                                JsonNode page =
                                        api.get(base + "pending", READER).json();
                                check("pending", page.get("results").get(0), torn);
                            }
                            case "invoice" ->
                                check("invoice", api.get(base + INVOICE, READER).json(), torn);
                            default ->
                                checkPage(
                                        api.get(base + INVOICE + "/lineItems?itemsPerPage=500&pageNum=2", READER)
                                                .json(),
                                        torn);
                        }
                        reads.incrementAndGet();
                    }
                    return null;
                }));
            }
            long end = System.nanoTime() + HAMMERING.toNanos();
            org.awaitility.Awaitility.await()
                    .atMost(HAMMERING.plusSeconds(5))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> System.nanoTime() >= end || torn.size() >= 5);
            running.set(false);
            writer.get();
            for (Future<?> reader : readers) {
                reader.get();
            }
        } finally {
            running.set(false);
            threads.shutdownNow();
        }
        System.out.printf(
                "snapshot reads: %d reads while %d versions were committed, %d torn%n",
                reads.get(), versions.get(), torn.size());
        assertThat(versions.get())
                .as("the writer committed versions during the reads")
                .isGreaterThan(3);
        assertThat(torn).as("torn reads out of %d", reads.get()).isEmpty();
    }

    private static void check(String what, JsonNode invoice, ConcurrentLinkedQueue<String> torn) {
        long billed = invoice.get("amountBilledCents").longValue();
        JsonNode lines = invoice.get("lineItems");
        int n = lines.size();
        Set<String> seen = new java.util.TreeSet<>();
        for (JsonNode line : lines) {
            seen.add(line.get("totalPriceCents").asString() + "/"
                    + line.get("tags").get("version").get(0).asString());
        }
        if (billed != (long) n * n || !seen.equals(Set.of(n + "/" + n))) {
            torn.add(what + ": " + n + " lines, amountBilledCents " + billed + ", line versions " + seen);
        }
    }

    private static void checkPage(JsonNode page, ConcurrentLinkedQueue<String> torn) {
        long total = page.get("totalCount").longValue();
        JsonNode results = page.get("results");
        Set<String> seen = new java.util.TreeSet<>();
        for (JsonNode line : results) {
            seen.add(line.get("totalPriceCents").asString() + "/"
                    + line.get("tags").get("version").get(0).asString());
        }
        // Page 2 of 500: lines 501 to 1000 of at least 1,000.
        if (results.size() != Math.min(500, total - 500) || !seen.equals(Set.of(total + "/" + total))) {
            torn.add("page: totalCount " + total + ", " + results.size() + " rows, line versions " + seen);
        }
    }

    private void writeVersion(int n) {
        Instant updated = Instant.now();
        List<UpstreamLineItem> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            lines.add(new UpstreamLineItem(
                    i,
                    new InvoiceLineItem(
                            "Cluster0",
                            updated,
                            Instant.parse("2026-11-01T00:00:00Z"),
                            Instant.parse("2026-11-02T00:00:00Z"),
                            "5a2c1a2b3c4d5e6f7a8b9c01",
                            "Project",
                            "ATLAS_AWS_INSTANCE_M10",
                            "server hours",
                            java.math.BigDecimal.ONE,
                            java.math.BigDecimal.valueOf(n, 2),
                            (long) n,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            "AWS",
                            Map.of("version", List.of(Integer.toString(n))))));
        }
        UpstreamInvoice invoice = PendingInvoices.november(
                INVOICE,
                ORG,
                updated,
                (long) n * n,
                n,
                "version-" + n + "-" + updated.toEpochMilli() + "-" + System.nanoTime());
        transactions.executeWithoutResult(status -> {
            store.write(invoice, consumer -> lines.forEach(consumer));
            store.markPending(ORG, Collections.singleton(INVOICE));
        });
    }
}
