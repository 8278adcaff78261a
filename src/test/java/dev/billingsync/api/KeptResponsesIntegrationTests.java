package dev.billingsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.StatementCounter;
import dev.billingsync.TestApiKey;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.sync.ManualRun;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;

/**
 * Invoice reads kept in memory ({@code billing.api.response-cache}): sent again while the rows they were written from
 * stay the same, for one statement instead of a read of every table; never once a sync has changed those rows; each
 * form of a request (pretty, envelope, page) on its own; never to a request sent with {@code Cache-Control: no-cache};
 * a body over {@code max-entry-size} streamed every time.
 */
@BillingSyncIntegrationTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"billing.cost-explorer.enabled=false", "billing.api.response-cache.max-entry-size=16KB"})
@Import(StatementCounter.class)
@TestApiKey(name = "reader", key = KeptResponsesIntegrationTests.READER, roles = "READ")
class KeptResponsesIntegrationTests {

    static final String READER = "kept-reader-0123456789abcdef";
    static final String BIG = "6b0c1a2b3c4d5e6f7a8b9c01";
    static final String SMALL = "6b0c1a2b3c4d5e6f7a8b9c02";

    @AtlasUnderTest(orgs = {BIG, SMALL})
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static {
        atlas.addOrg(BIG, "Kept Big", 21, 40, 3);
        atlas.addOrg(SMALL, "Kept Small", 22, 1, 3);
    }

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    MeterRegistry meters;

    ApiTestClient api;

    @BeforeEach
    void sync() {
        api = new ApiTestClient(port);
        syncBoth();
    }

    @Test
    void aKeptBodyIsSentAgainOnlyWhileItsRowsStayTheSame() {
        String smallInvoice =
                "/api/v1/orgs/" + SMALL + "/invoices/" + atlas.org(SMALL).pendingInvoiceId();
        String smallPending = "/api/v1/orgs/" + SMALL + "/invoices/pending";
        String bigPage = "/api/v1/orgs/" + BIG + "/invoices/" + atlas.org(BIG).pendingInvoiceId()
                + "/lineItems?itemsPerPage=7&pageNum=2";
        List<String> urls = List.of(smallInvoice, smallPending, bigPage);
        List<String> before = urls.stream().map(this::body).toList();

        for (int i = 0; i < urls.size(); i++) {
            String url = urls.get(i);
            double hits = hits();
            String[] again = new String[1];
            long statements = StatementCounter.during(() -> again[0] = body(url));
            assertThat(again[0]).as(url).isEqualTo(before.get(i));
            assertThat(hits()).as("sent from memory: " + url).isEqualTo(hits + 1);
            assertThat(statements).as("the version check alone: " + url).isEqualTo(1);
        }

        atlas.org(SMALL).addDay();
        atlas.org(BIG).addDay();
        syncBoth();

        JsonNode invoice = json(smallInvoice);
        assertThat(invoice.get("lineItems").size())
                .isEqualTo(atlas.org(SMALL).lineItemCount(atlas.org(SMALL).pendingInvoiceId()))
                .isEqualTo(4);
        assertThat(invoice.get("amountBilledCents").longValue())
                .isEqualTo(atlas.org(SMALL)
                        .invoiceResponse(atlas.org(SMALL).pendingInvoiceId())
                        .get("amountBilledCents")
                        .longValue());
        assertThat(json(smallPending).get("results").get(0)).isEqualTo(invoice);
        assertThat(json(bigPage).get("totalCount").intValue()).isEqualTo(160);
        for (int i = 0; i < urls.size(); i++) {
            assertThat(body(urls.get(i))).as(urls.get(i)).isNotEqualTo(before.get(i));
        }
    }

    @Test
    void eachFormOfARequestIsKeptApart() {
        String pending = "/api/v1/orgs/" + SMALL + "/invoices/pending";
        String plain = body(pending);
        String pretty = body(pending + "?pretty=true");
        String envelope = body(pending + "?envelope=true");
        String withoutCount = body(pending + "?includeCount=false");

        assertThat(pretty).contains("\n").isNotEqualTo(plain);
        JsonNode invoices = ApiTestClient.EXACT.readTree(plain).get("results");
        assertThat(ApiTestClient.EXACT.readTree(pretty).get("results")).isEqualTo(invoices);
        JsonNode wrapped = ApiTestClient.EXACT.readTree(envelope);
        assertThat(wrapped.get("status").intValue()).isEqualTo(200);
        assertThat(wrapped.get("results")).isEqualTo(invoices);
        assertThat(ApiTestClient.EXACT.readTree(withoutCount).has("totalCount")).isFalse();
        assertThat(List.of(body(pending), body(pending + "?pretty=true"), body(pending + "?envelope=true")))
                .containsExactly(plain, pretty, envelope);
        assertThat(body(pending + "?includeCount=false")).isEqualTo(withoutCount);
    }

    @Test
    void noCacheReadsAfreshAndKeepsWhatItRead() {
        String page =
                "/api/v1/orgs/" + BIG + "/invoices/" + atlas.org(BIG).pendingInvoiceId() + "/lineItems?itemsPerPage=3";
        String kept = body(page);

        double hits = hits();
        ApiTestClient.Response[] fresh = new ApiTestClient.Response[1];
        long statements =
                StatementCounter.during(() -> fresh[0] = api.send(HttpRequest.newBuilder(URI.create(api.base() + page))
                        .header("X-API-Key", READER)
                        .header("Cache-Control", "max-age=0, no-cache")
                        .build()));

        assertThat(fresh[0].status()).isEqualTo(200);
        assertThat(fresh[0].body()).isEqualTo(kept);
        assertThat(hits()).isEqualTo(hits);
        assertThat(statements).as("read from the tables").isGreaterThan(2);
        assertThat(body(page)).isEqualTo(kept);
        assertThat(hits()).isEqualTo(hits + 1);
    }

    @Test
    void aBodyOverTheEntryLimitIsWrittenEveryTime() {
        String pending = "/api/v1/orgs/" + BIG + "/invoices/pending";
        String first = body(pending);
        assertThat(first.length()).isGreaterThan(16 * 1024);

        double hits = hits();
        String[] again = new String[1];
        long statements = StatementCounter.during(() -> again[0] = body(pending));

        assertThat(again[0]).isEqualTo(first);
        assertThat(hits()).isEqualTo(hits);
        assertThat(statements).as("read from the tables again").isGreaterThan(4);
    }

    private void syncBoth() {
        for (String org : List.of(BIG, SMALL)) {
            assertThat(ManualRun.of(context, org).status()).isEqualTo("SUCCEEDED");
        }
    }

    private String body(String url) {
        ApiTestClient.Response response = api.get(url, READER);
        assertThat(response.status()).as(url).isEqualTo(200);
        return response.body();
    }

    private JsonNode json(String url) {
        return ApiTestClient.EXACT.readTree(body(url));
    }

    private double hits() {
        return meters.get("cache.gets")
                .tag("cache", "api.responses")
                .tag("result", "hit")
                .functionCounter()
                .count();
    }
}
