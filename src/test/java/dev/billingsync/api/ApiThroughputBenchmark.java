package dev.billingsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BenchSummary;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.sync.ManualRun;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Profile;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * DESIGN §8 "API": a 500-row line-item page out of a 200,000-row invoice, and {@code GET .../invoices/pending} of an
 * org whose pending invoice holds 1,000 line items, each under the same closed-loop load (4 concurrent JDK HttpClient
 * clients, after a warm-up) as an endpoint of the same server that returns the same bytes from memory, through the
 * same filters (API key, security). Reports throughput, p50 and p99, and the ratio of request rates (goal ≥ 0.5), for
 * the API as clients get it (the body kept in memory, sent after its version check) and for the same request read
 * afresh from PostgreSQL every time ({@code Cache-Control: no-cache}). Not
 * part of {@code ./mvnw verify}; run it with {@code ./mvnw -B -ntp -Pbench verify -Dit.test=ApiThroughputBenchmark}.
 */
@BillingSyncIntegrationTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "billing.cost-explorer.enabled=false",
            "billing.sync.history-months=0",
            "billing.security.api-keys[0].name=bench",
            "billing.security.api-keys[0].key=" + ApiThroughputBenchmark.KEY,
            "billing.security.api-keys[0].roles=READ",
            "billing.security.api-keys[0].orgs=*"
        })
@ActiveProfiles(ApiThroughputBenchmark.PROFILE)
@Import(ApiThroughputBenchmark.SameBytesController.class)
class ApiThroughputBenchmark {

    static final String PROFILE = "api-benchmark";
    static final String KEY = "bench-api-key-0123456789abcdef";
    static final String BIG = "be3c1a2b3c4d5e6f7a8b9c01";
    static final String SMALL = "be3c1a2b3c4d5e6f7a8b9c02";
    static final int CLIENTS = 4;
    /**
     * Long enough for the JIT to finish with the request path: after 5 s the C2 compiler still took half the JVM's CPU
     * in the measured window, which measured compilation, not serving.
     */
    static final Duration WARM_UP = Duration.ofSeconds(30);

    static final Duration MEASURE = Duration.ofSeconds(12);
    static final String NAME = "ApiThroughput";

    @AtlasUnderTest(clientId = "bench-client", clientSecret = "bench-secret")
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static {
        atlas.addOrg(BIG, "Big", 94, 10_000, 20);
        // 20 usage days of 50 lines: a 1,000-line pending invoice
        atlas.addOrg(SMALL, "Small", 95, 50, 20);
    }

    /** The same bytes from memory, behind the same filters; served only under this benchmark's profile. */
    @RestController
    @Profile(PROFILE)
    static class SameBytesController {

        final Map<String, byte[]> bodies = new ConcurrentHashMap<>();

        @GetMapping(value = "/api/v1/benchmark/sameBytes/{name}", produces = MediaType.APPLICATION_JSON_VALUE)
        ResponseEntity<byte[]> sameBytes(@PathVariable String name) {
            byte[] body = bodies.get(name);
            return body == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(body);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    SameBytesController sameBytes;

    @Test
    void servesThePageAndThePendingInvoiceAtHalfTheRateOfTheSameBytesFromMemory() throws Exception {
        assertThat(ManualRun.of(context, BIG).lineItemsWritten())
                .isEqualTo(atlas.org(BIG).pendingLineItemsWithLinked());
        assertThat(ManualRun.of(context, SMALL).lineItemsWritten())
                .isEqualTo(atlas.org(SMALL).pendingLineItemsWithLinked());
        assertThat(atlas.org(BIG).lineItemCount(atlas.org(BIG).pendingInvoiceId()))
                .isEqualTo(200_000);
        assertThat(atlas.org(SMALL).lineItemCount(atlas.org(SMALL).pendingInvoiceId()))
                .isEqualTo(1_000);
        String invoice = atlas.org(BIG).pendingInvoiceId();
        String base = "http://localhost:" + port;

        StringBuilder report = new StringBuilder(String.format(
                Locale.ROOT,
                "%n=== API throughput benchmark (DESIGN §8): %d concurrent clients, %d s warm-up, %d s measured ===%n",
                CLIENTS,
                WARM_UP.toSeconds(),
                MEASURE.toSeconds()));
        compare(
                report,
                "500-row line-item page of a 200,000-line invoice",
                "page",
                URI.create(base + "/api/v1/orgs/" + BIG + "/invoices/" + invoice
                        + "/lineItems?itemsPerPage=500&pageNum=200"));
        compare(
                report,
                "pending invoice of 1,000 line items",
                "pending",
                URI.create(base + "/api/v1/orgs/" + SMALL + "/invoices/pending"));
        System.out.println(report.append("==========================================================\n"));
    }

    private void compare(StringBuilder report, String what, String name, URI real) throws Exception {
        HttpResponse<byte[]> once = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(real).header("X-API-Key", KEY).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(once.statusCode()).isEqualTo(200);
        byte[] body = once.body();
        sameBytes.bodies.put(name, body);
        URI memory = URI.create("http://localhost:" + port + "/api/v1/benchmark/sameBytes/" + name);

        LoadGenerator load = new LoadGenerator(CLIENTS, KEY);
        load.run(real, WARM_UP, body.length, true);
        load.run(real, WARM_UP, body.length);
        load.run(memory, WARM_UP, body.length);
        LoadGenerator.Result api = load.run(real, MEASURE, body.length);
        LoadGenerator.Result fromMemory = load.run(memory, MEASURE, body.length);
        LoadGenerator.Result written = load.run(real, MEASURE, body.length, true);
        double ratio = api.perSecond() / fromMemory.perSecond();
        double writtenRatio = written.perSecond() / fromMemory.perSecond();
        report.append(String.format(
                Locale.ROOT,
                "%s (%,d bytes)%n  API          %s%n  read afresh  %s%n  same bytes   %s%n"
                        + "  ratio        %.2f (goal >= 0.5); read afresh every time %.2f%n",
                what,
                body.length,
                api,
                written,
                fromMemory,
                ratio,
                writtenRatio));
        BenchSummary.ratio(NAME, what + " / same bytes", ratio, ">= 0.5", ratio >= 0.5, figures(api, fromMemory));
        BenchSummary.ratio(
                NAME,
                "  the same read afresh (Cache-Control: no-cache) / same bytes",
                writtenRatio,
                ">= 0.5",
                writtenRatio >= 0.5,
                figures(written, fromMemory));
    }

    private static String figures(LoadGenerator.Result api, LoadGenerator.Result fromMemory) {
        return String.format(
                Locale.ROOT,
                "API %.0f req/s p50 %.1f p99 %.1f ms; memory %.0f req/s p50 %.1f p99 %.1f ms",
                api.perSecond(),
                api.p50Millis(),
                api.p99Millis(),
                fromMemory.perSecond(),
                fromMemory.p50Millis(),
                fromMemory.p99Millis());
    }
}
