package dev.billingsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billingsync.BillingSyncApplication;
import dev.billingsync.SimulatorProperties;
import dev.billingsync.TestDatabaseConfiguration;
import dev.billingsync.TestPostgres;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.sync.ManualRun;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The CSV export of a 100,000-line invoice streams in constant memory: a second instance of the service, started in
 * its own JVM with a 128 MB heap (too small to hold the rows or the CSV text at once), serves the whole export, and
 * the CSV parses back to the stored values.
 */
@SpringBootTest(
        properties = {
            "billing.sync.enabled=false",
            "billing.cost-explorer.enabled=false",
            // the pending invoice alone: its closed months would be 150,000 lines each
            "billing.sync.history-months=0",
            "billing.test.database=csv_export_memory"
        })
@Import(TestDatabaseConfiguration.class)
class CsvExportMemoryIntegrationTests {

    static final String ORG = "c50c1a2b3c4d5e6f7a8b9c01";
    static final String KEY = "csv-export-key-0123456789abcdef";
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static {
        atlas.addServiceAccount("csv-client", "csv-secret");
        atlas.addOrg(ORG, "Big Exporter", 77, 5_000, 20);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        SimulatorProperties.register(registry, atlas, "csv-client", "csv-secret", ORG);
    }

    @AfterAll
    static void stop() {
        atlas.close();
    }

    @Autowired
    ApplicationContext context;

    @Autowired
    JdbcClient jdbc;

    @Test
    void streamsAHundredThousandLinesAsCsvWithA128MegabyteHeap() throws Exception {
        ManualRun run =
                ManualRun.of(context, ManualRun.configuredOrgIds(context).get(0));
        assertThat(run.lineItemsWritten()).isGreaterThanOrEqualTo(100_000);
        String invoice = atlas.org(ORG).pendingInvoiceId();
        long expectedCents = jdbc.sql("select sum(total_price_cents) from line_items where invoice_id = ?")
                .param(invoice)
                .query(Long.class)
                .single();
        List<String> firstSkus = jdbc.sql("select sku from line_items where invoice_id = ? order by position limit 5")
                .param(invoice)
                .query(String.class)
                .list();

        int port = freePort();
        Path log = Files.createTempFile("csv-export-child", ".log");
        Process child = startSmallHeapInstance(port, log);
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI health = URI.create("http://localhost:" + port + "/actuator/health/readiness");
            await().atMost(Duration.ofSeconds(120))
                    .ignoreExceptions()
                    .until(() -> http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString())
                                    .statusCode()
                            == 200);

            HttpResponse<InputStream> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/orgs/" + ORG + "/invoices/"
                                    + invoice + "/lineItems"))
                            .header("X-API-Key", KEY)
                            .header("Accept", "text/csv")
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Length"))
                    .as("streamed, not buffered")
                    .isEmpty();
            long rows = 0;
            long cents = 0;
            List<String> skus = new ArrayList<>();
            try (Reader reader = new InputStreamReader(response.body(), StandardCharsets.UTF_8);
                    CSVParser csv = CSVFormat.RFC4180
                            .builder()
                            .setHeader()
                            .setSkipHeaderRecord(true)
                            .get()
                            .parse(reader)) {
                for (CSVRecord record : csv) {
                    rows++;
                    cents += Long.parseLong(record.get("totalPriceCents"));
                    if (skus.size() < 5) {
                        skus.add(record.get("sku"));
                    }
                }
            }
            assertThat(rows).isEqualTo(atlas.org(ORG).lineItemCount(invoice));
            assertThat(cents).isEqualTo(expectedCents);
            assertThat(skus).isEqualTo(firstSkus);
            assertThat(child.isAlive())
                    .as("the 128 MB instance survived the export")
                    .isTrue();

            // The FOCUS export of the same month: 52 columns a row, several times the line-item CSV's bytes, through
            // the same spool-then-send path.
            FocusExport.Totals focus = FocusExport.read(
                    http, "http://localhost:" + port, KEY, java.time.YearMonth.now(java.time.ZoneOffset.UTC), invoice);
            assertThat(focus.rows()).isEqualTo(atlas.org(ORG).lineItemCount(invoice));
            assertThat(focus.billedCost()).isEqualByComparingTo(java.math.BigDecimal.valueOf(expectedCents, 2));
            assertThat(child.isAlive())
                    .as("the 128 MB instance survived the FOCUS export")
                    .isTrue();
            assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
        } finally {
            child.destroy();
            child.waitFor();
        }
    }

    private static Process startSmallHeapInstance(int port, Path log) throws Exception {
        TestPostgres.Server server = TestPostgres.server();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(
                        java,
                        "-Xmx128m",
                        "-XX:+ExitOnOutOfMemoryError",
                        "-cp",
                        System.getProperty("java.class.path"),
                        BillingSyncApplication.class.getName(),
                        "--server.port=" + port,
                        "--spring.datasource.url=" + TestPostgres.sharedDatabase("csv_export_memory"),
                        "--spring.datasource.username=" + server.user(),
                        "--spring.datasource.password=" + server.password(),
                        "--billing.sync.enabled=false",
                        "--billing.cost-explorer.enabled=false",
                        "--billing.atlas.base-url=" + atlas.baseUrl(),
                        "--billing.atlas.client-id=csv-client",
                        "--billing.atlas.client-secret=csv-secret",
                        "--billing.orgs[0].id=" + ORG,
                        "--billing.security.api-keys[0].name=exporter",
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
