package dev.billingsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billingsync.BillingSyncApplication;
import dev.billingsync.SimulatorProperties;
import dev.billingsync.TestDatabaseConfiguration;
import dev.billingsync.TestPostgres;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.sync.ManualRun;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Full invoices are streamed in constant memory (DESIGN §5.4, issue 14): a second instance of the service, in its own
 * JVM with a 256 MB heap, serves three concurrent {@code GET .../invoices/pending} and one {@code GET
 * .../invoices/{id}} of a 200,000-line invoice, each body equal to the simulator's (every Atlas field of every line,
 * compared through a digest so that the test holds no body either), and survives. The peak heap is read from the
 * child's GC log: the occupancy before each collection.
 */
@SpringBootTest(
        properties = {
            "billing.sync.enabled=false",
            "billing.cost-explorer.enabled=false",
            // the pending invoice alone: its closed months would be 300,000 lines each
            "billing.sync.history-months=0",
            "billing.test.database=large_invoice_streaming"
        })
@Import(TestDatabaseConfiguration.class)
class LargeInvoiceStreamingIntegrationTests {

    static final String ORG = "1a6c1a2b3c4d5e6f7a8b9c01";
    static final String KEY = "large-invoice-key-0123456789abcdef";
    static final AtlasSimulator atlas = AtlasSimulator.start();
    static final Pattern GC_LINE = Pattern.compile("GC\\(\\d+\\) Pause.* (\\d+)M->(\\d+)M\\(\\d+M\\)");

    static {
        atlas.addServiceAccount("large-client", "large-secret");
        atlas.addOrg(ORG, "Big Spender", 91, 10_000, 20);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        SimulatorProperties.register(registry, atlas, "large-client", "large-secret", ORG);
    }

    @AfterAll
    static void stop() {
        atlas.close();
    }

    @Autowired
    ApplicationContext context;

    @Test
    void streamsAFullTwoHundredThousandLineInvoiceFourTimesAtOnceWithA256MegabyteHeap() throws Exception {
        ManualRun run =
                ManualRun.of(context, ManualRun.configuredOrgIds(context).get(0));
        assertThat(run.lineItemsWritten()).isGreaterThanOrEqualTo(200_000);
        String invoice = atlas.org(ORG).pendingInvoiceId();
        Digest expectedPending =
                digestList(new ByteArrayInputStream(atlas.org(ORG).pendingInvoicesResponseBytes()));
        Digest expectedInvoice =
                digestInvoice(new ByteArrayInputStream(atlas.org(ORG).invoiceResponseBytes(invoice)));
        assertThat(expectedInvoice.lines()).isEqualTo(atlas.org(ORG).lineItemCount(invoice));
        assertThat(run.lineItemsWritten()).isEqualTo(atlas.org(ORG).pendingLineItemsWithLinked());

        int port = freePort();
        Path log = Files.createTempFile("large-invoice-child", ".log");
        Path gcLog = Files.createTempFile("large-invoice-child", ".gc.log");
        Process child = startSmallHeapInstance(port, log, gcLog);
        try {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://localhost:" + port;
            URI readiness = URI.create(base + "/actuator/health/readiness");
            await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> status(http, readiness) == 200);

            long start = System.nanoTime();
            List<CompletableFuture<Digest>> reads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                reads.add(read(http, base + "/api/v1/orgs/" + ORG + "/invoices/pending", true));
            }
            reads.add(read(http, base + "/api/v1/orgs/" + ORG + "/invoices/" + invoice, false));
            List<Digest> digests = new ArrayList<>();
            for (CompletableFuture<Digest> read : reads) {
                digests.add(read.get());
            }
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();

            assertThat(digests.subList(0, 3)).allSatisfy(d -> assertThat(d).isEqualTo(expectedPending));
            assertThat(digests.get(3)).isEqualTo(expectedInvoice);
            assertThat(child.isAlive()).as("the 256 MB instance survived").isTrue();
            assertThat(status(http, readiness)).isEqualTo(200);
            // FOCUS 1.3 of the same 200,000 lines, streamed through the bounded export path in the same small heap.
            FocusExport.Totals focus = FocusExport.read(http, base, KEY, YearMonth.now(ZoneOffset.UTC), invoice);
            assertThat(focus.rows()).isEqualTo(expectedInvoice.lines());
            assertThat(focus.billedCost()).isEqualByComparingTo(BigDecimal.valueOf(expectedInvoice.cents(), 2));
            assertThat(child.isAlive())
                    .as("the 256 MB instance survived the FOCUS export")
                    .isTrue();
            assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
            long[] heap = peakHeapMegabytes(gcLog);
            System.out.printf(
                    "large invoice reads: 4 concurrent reads of %d lines (%d cents) in %d ms; peak heap %d MB"
                            + " before a collection, at most %d MB live after one (of 256 MB)%n",
                    expectedInvoice.lines(), expectedInvoice.cents(), millis, heap[0], heap[1]);
        } finally {
            child.destroy();
            child.waitFor();
        }
    }

    /** The fields that must match, hashed; line count and cents for the failure message and the report. */
    record Digest(String headers, long lines, long cents, String linesSha256, long totalCount) {}

    private static CompletableFuture<Digest> read(HttpClient http, String url, boolean list) {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(url)).header("X-API-Key", KEY).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApplyAsync(response -> {
                    assertThat(response.statusCode()).isEqualTo(200);
                    try (InputStream body = response.body()) {
                        return list ? digestList(body) : digestInvoice(body);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
    }

    /** A pending list ({@code {links, results, totalCount}}) with one invoice, read as a stream. */
    private static Digest digestList(InputStream in) {
        try (JsonParser parser = ApiTestClient.EXACT.createParser(in)) {
            Digest digest = null;
            long totalCount = -1;
            assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (name.equals("results")) {
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        assertThat(digest).as("one pending invoice").isNull();
                        digest = digestInvoice(parser);
                    }
                } else if (name.equals("totalCount")) {
                    totalCount = parser.getLongValue();
                } else {
                    parser.skipChildren();
                }
            }
            assertThat(digest).isNotNull();
            return new Digest(digest.headers(), digest.lines(), digest.cents(), digest.linesSha256(), totalCount);
        }
    }

    private static Digest digestInvoice(InputStream in) {
        try (JsonParser parser = ApiTestClient.EXACT.createParser(in)) {
            assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            return digestInvoice(parser);
        }
    }

    /** The invoice at the parser (on its START_OBJECT); the Atlas fields only, as the finance API test compares. */
    private static Digest digestInvoice(JsonParser parser) {
        ObjectNode headers = ApiTestClient.EXACT.createObjectNode();
        MessageDigest sha = sha256();
        long lines = 0;
        long cents = 0;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            if (name.equals("lineItems")) {
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    ObjectNode line = (ObjectNode) parser.readValueAsTree();
                    line.retain(FinanceApiIntegrationTests.LINE_FIELDS);
                    sha.update(canonical(line).getBytes(StandardCharsets.UTF_8));
                    lines++;
                    cents += line.path("totalPriceCents").longValue();
                }
            } else if (name.equals("linkedInvoices")) {
                // Linked orgs' invoices, small here: their Atlas fields (links point at Atlas there, at us here).
                JsonNode linked = parser.readValueAsTree();
                linked.forEach(invoice -> ((ObjectNode) invoice).retain(FinanceApiIntegrationTests.INVOICE_FIELDS));
                headers.set(name, linked);
            } else if (FinanceApiIntegrationTests.INVOICE_FIELDS.contains(name)) {
                headers.set(name, (JsonNode) parser.readValueAsTree());
            } else {
                parser.skipChildren();
            }
        }
        return new Digest(canonical(headers), lines, cents, HexFormat.of().formatHex(sha.digest()), -1);
    }

    /** JSON with object keys sorted, so that equal content gives equal text whatever the field order. */
    private static String canonical(JsonNode node) {
        if (node.isObject()) {
            Map<String, String> fields = new TreeMap<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                fields.put(field.getKey(), canonical(field.getValue()));
            }
            return fields.toString();
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(canonical(item)));
            return items.toString();
        }
        return node.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The largest heap occupancy before a collection, and after one, in MB, from a {@code -Xlog:gc} file. */
    private static long[] peakHeapMegabytes(Path gcLog) throws Exception {
        long before = 0;
        long after = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_LINE.matcher(line);
            if (m.find()) {
                before = Math.max(before, Long.parseLong(m.group(1)));
                after = Math.max(after, Long.parseLong(m.group(2)));
            }
        }
        assertThat(before).as("GC log read").isPositive();
        return new long[] {before, after};
    }

    private static int status(HttpClient http, URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static Process startSmallHeapInstance(int port, Path log, Path gcLog) throws Exception {
        TestPostgres.Server server = TestPostgres.server();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-XX:+ExitOnOutOfMemoryError",
                        "-Xlog:gc:file=" + gcLog,
                        "-cp",
                        System.getProperty("java.class.path"),
                        BillingSyncApplication.class.getName(),
                        "--server.port=" + port,
                        "--spring.datasource.url=" + TestPostgres.sharedDatabase("large_invoice_streaming"),
                        "--spring.datasource.username=" + server.user(),
                        "--spring.datasource.password=" + server.password(),
                        "--billing.sync.enabled=false",
                        "--billing.cost-explorer.enabled=false",
                        "--billing.atlas.base-url=" + atlas.baseUrl(),
                        "--billing.atlas.client-id=large-client",
                        "--billing.atlas.client-secret=large-secret",
                        "--billing.orgs[0].id=" + ORG,
                        "--billing.security.api-keys[0].name=reader",
                        "--billing.security.api-keys[0].key=" + KEY,
                        "--billing.security.api-keys[0].roles=READ",
                        "--billing.security.api-keys[0].orgs=*")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
