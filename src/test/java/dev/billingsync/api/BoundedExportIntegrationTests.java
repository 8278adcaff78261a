package dev.billingsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.TestApiKey;
import dev.billingsync.invoices.InvoiceAmounts;
import dev.billingsync.invoices.InvoiceHeader;
import dev.billingsync.invoices.InvoiceLineItem;
import dev.billingsync.invoices.InvoiceStore;
import dev.billingsync.invoices.UpstreamInvoice;
import dev.billingsync.invoices.UpstreamLineItem;
import dev.billingsync.simulator.AtlasSimulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Slow CSV readers cannot take a replica out of service (DESIGN §5.4, issue 14): twenty clients open the export of a
 * 100,000-line invoice and read nothing; the replica serves four of them from spool files (the rest get a 429 with
 * {@code Retry-After}), stays ready and answers other calls at once; when the async timeout cuts the stalled
 * downloads, each ends visibly broken; no spool file is left behind.
 */
@BillingSyncIntegrationTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "billing.cost-explorer.enabled=false",
            "billing.api.exports.max-concurrent=4",
            "billing.api.exports.retry-after=7s",
            "spring.mvc.async.request-timeout=6s"
        })
@TestApiKey(name = "reader", key = BoundedExportIntegrationTests.READER, roles = "READ")
class BoundedExportIntegrationTests {

    static final String READER = "export-reader-0123456789abcdef";
    static final String ORG = "b0ec1a2b3c4d5e6f7a8b9c01";
    static final String INVOICE = "b0ed1a2b3c4d5e6f7a8b9c01";
    static final int LINES = 100_000;

    @AtlasUnderTest
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static final Path spool = createSpoolDirectory();

    static {
        atlas.addOrg(ORG, "Export Org", 13, 1);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("billing.api.exports.spool-directory", spool::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    InvoiceStore store;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Test
    void twentyStalledExportsNeitherDrainThePoolNorEndCleanly() throws Exception {
        writeInvoice();
        ApiTestClient api = new ApiTestClient(port);
        String csvPath = "/api/v1/orgs/" + ORG + "/invoices/" + INVOICE + "/lineItems";
        List<Socket> clients = new ArrayList<>();
        ExecutorService heads = Executors.newFixedThreadPool(20);
        List<Long> latencies = new ArrayList<>();
        probe(api); // the first calls of a fresh context pay for lazy initialisation, not for the exports
        try {
            List<Future<String>> statusLines = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Socket socket = new Socket();
                socket.setReceiveBufferSize(4096);
                socket.connect(new java.net.InetSocketAddress("localhost", port));
                socket.setSoTimeout(120_000);
                clients.add(socket);
                OutputStream out = socket.getOutputStream();
                out.write(("GET " + csvPath + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/csv\r\nX-API-Key: " + READER
                                + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // Only the status line and headers are read, never a byte of the body.
                statusLines.add(heads.submit(() -> readHead(socket.getInputStream())));
            }
            // While the exports spool and then stall, the replica stays ready and answers other calls at once.
            do {
                latencies.add(probe(api));
            } while (!statusLines.stream().allMatch(Future::isDone));
            for (int i = 0; i < 5; i++) {
                latencies.add(probe(api));
            }
            List<String> heads200 = new ArrayList<>();
            List<String> heads429 = new ArrayList<>();
            for (Future<String> head : statusLines) {
                String text = head.get();
                (text.startsWith("HTTP/1.1 200") ? heads200 : heads429).add(text);
            }
            System.out.printf(
                    "stalled exports: %d served, %d refused; readiness and API probes took at most %d ms%n",
                    heads200.size(),
                    heads429.size(),
                    latencies.stream().mapToLong(Long::longValue).max().orElse(0));
            assertThat(heads200).hasSize(4);
            assertThat(heads429)
                    .hasSize(16)
                    .allSatisfy(head -> assertThat(head)
                            .startsWith("HTTP/1.1 429")
                            .containsIgnoringCase("Retry-After: 7")
                            .containsIgnoringCase("Content-Type: application/json"));
            assertThat(latencies).allSatisfy(ms -> assertThat(ms).isLessThan(1000));
            try (var files = Files.list(spool)) {
                assertThat(files).as("spool files are unlinked once open").isEmpty();
            }

            // Past the async timeout the stalled downloads are cut and give their permits back: a reader that reads
            // gets the whole export then, its formula cell neutralised.
            ApiTestClient.Response csv = await().atMost(Duration.ofSeconds(150))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> api.send("GET", csvPath, READER, null, "text/csv"), r -> r.status() == 200);
            List<CSVRecord> rows = CSVFormat.RFC4180
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .get()
                    .parse(new StringReader(csv.body()))
                    .getRecords();
            assertThat(rows).hasSize(LINES);
            assertThat(rows.get(0).get("tags")).isEqualTo("formula='=1+1");
            assertThat(rows.get(1).get("discountCents")).isEqualTo("-500");
            // What the stalled clients got ends without the last chunk: an HTTP client reports the break.
            for (int i = 0; i < clients.size(); i++) {
                if (statusLines.get(i).get().startsWith("HTTP/1.1 200")) {
                    byte[] rest = readToEnd(clients.get(i).getInputStream());
                    String tail = new String(
                            rest, Math.max(0, rest.length - 7), Math.min(7, rest.length), StandardCharsets.US_ASCII);
                    assertThat(tail).as("no final chunk").doesNotEndWith("\r\n0\r\n\r\n");
                    // Less than the whole export: how much of it the kernel's socket buffers had taken before the cut
                    // depends on the machine (several MB on loopback), not on us.
                    assertThat(rest.length)
                            .as("cut short")
                            .isLessThan(csv.body().length());
                }
            }
        } finally {
            heads.shutdownNow();
            for (Socket socket : clients) {
                socket.close();
            }
        }
        assertThat(api.get(csvPath + "?itemsPerPage=1", READER)
                        .json()
                        .get("results")
                        .get(0)
                        .get("tags")
                        .get("formula")
                        .get(0)
                        .asString())
                .isEqualTo("=1+1");
        try (var files = Files.list(spool)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aDatabaseFailureMidStreamCutsTheFullInvoiceVisibly() throws Exception {
        writeInvoice();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new java.net.InetSocketAddress("localhost", port));
            socket.setSoTimeout(120_000);
            socket.getOutputStream()
                    .write(("GET /api/v1/orgs/" + ORG + "/invoices/" + INVOICE + " HTTP/1.1\r\nHost: localhost\r\n"
                                    + "X-API-Key: " + READER + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 200");
            // The body stalls on the unread socket with its line cursor open; the database then drops the session.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> jdbc.sql("select pg_terminate_backend(pid) from pg_stat_activity"
                                    + " where pid <> pg_backend_pid() and query like '%from line_items l%'")
                            .query(Boolean.class)
                            .list()
                            .contains(true));
            byte[] rest = readToEnd(socket.getInputStream());
            String tail =
                    new String(rest, Math.max(0, rest.length - 7), Math.min(7, rest.length), StandardCharsets.US_ASCII);
            assertThat(tail).as("no final chunk").doesNotEndWith("\r\n0\r\n\r\n");
            assertThat(rest.length).as("cut short").isLessThan(LINES * 200);
        }
    }

    /** The slower of a readiness probe and a normal API call, in milliseconds; both must succeed. */
    private long probe(ApiTestClient api) {
        long start = System.nanoTime();
        assertThat(api.get("/actuator/health/readiness", null).status()).isEqualTo(200);
        long ready = System.nanoTime();
        assertThat(api.get("/api/v1/orgs/" + ORG + "/invoices", READER).status())
                .isEqualTo(200);
        return Duration.ofNanos(Math.max(ready - start, System.nanoTime() - ready))
                .toMillis();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static byte[] readToEnd(InputStream in) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // A reset is as visible a break as a missing last chunk.
        }
        return all.toByteArray();
    }

    private void writeInvoice() {
        Instant start = Instant.parse("2026-11-01T00:00:00Z");
        UpstreamInvoice invoice = new UpstreamInvoice(
                INVOICE,
                ORG,
                new InvoiceHeader(
                        "PENDING",
                        start,
                        start.plus(Duration.ofDays(30)),
                        start,
                        start,
                        new InvoiceAmounts((long) LINES * 100, 0L, 0L, 0L, 0L, (long) LINES * 100)),
                List.of(),
                List.of(),
                List.of(),
                LINES,
                "bounded-export-v1",
                "{}");
        transactions.executeWithoutResult(status -> {
            store.write(invoice, consumer -> {
                for (int i = 0; i < LINES; i++) {
                    Map<String, List<String>> tags =
                            i == 0 ? Map.of("formula", List.of("=1+1")) : Map.of("env", List.of("prod"));
                    consumer.accept(new UpstreamLineItem(
                            i,
                            new InvoiceLineItem(
                                    "Cluster" + i % 50,
                                    start,
                                    start,
                                    start.plusSeconds(86_400),
                                    "b0ee1a2b3c4d5e6f7a8b9c01",
                                    "Project",
                                    "ATLAS_AWS_INSTANCE_M10",
                                    "server hours",
                                    new BigDecimal("24.000000"),
                                    new BigDecimal("0.0800"),
                                    100L,
                                    -500L,
                                    null,
                                    null,
                                    null,
                                    "a note long enough to make the export much larger than any socket buffer",
                                    null,
                                    "AWS",
                                    tags)));
                }
            });
            store.markPending(ORG, Set.of(INVOICE));
        });
    }

    private static Path createSpoolDirectory() {
        try {
            return Files.createTempDirectory("bounded-export-spool");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
