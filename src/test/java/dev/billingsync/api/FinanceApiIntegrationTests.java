package dev.billingsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.StatementCounter;
import dev.billingsync.TestApiKey;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.sync.ManualRun;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The finance API over real HTTP, on data synced from the Atlas simulator into PostgreSQL. */
@BillingSyncIntegrationTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "billing.cost-explorer.group-by=services,projects")
@Import(StatementCounter.class)
@TestApiKey(name = "reader", key = FinanceApiIntegrationTests.READER, roles = "READ")
@TestApiKey(
        name = "syncer",
        key = FinanceApiIntegrationTests.SYNCER,
        roles = {"READ", "SYNC"})
class FinanceApiIntegrationTests {

    static final String READER = "reader-key-0123456789abcdef";
    static final String SYNCER = "syncer-key-0123456789abcdef";
    static final String ORG_A = "8c0c1a2b3c4d5e6f7a8b9c01";
    static final String ORG_B = "8c0c1a2b3c4d5e6f7a8b9c02";
    static final String ORG_SMALL = "8c0c1a2b3c4d5e6f7a8b9c03";

    /** Atlas fields of an invoice and a line item (the spec's BillingInvoice / InvoiceLineItem properties). */
    static final Set<String> INVOICE_FIELDS = Set.of(
            "id",
            "orgId",
            "statusName",
            "startDate",
            "endDate",
            "created",
            "updated",
            "amountBilledCents",
            "amountPaidCents",
            "creditsCents",
            "salesTaxCents",
            "startingBalanceCents",
            "subtotalCents",
            "lineItems",
            "payments",
            "refunds",
            "linkedInvoices");

    static final Set<String> LINE_FIELDS = Set.of(
            "clusterName",
            "created",
            "startDate",
            "endDate",
            "groupId",
            "groupName",
            "sku",
            "unit",
            "quantity",
            "unitPriceDollars",
            "totalPriceCents",
            "discountCents",
            "percentDiscount",
            "tierLowerBound",
            "tierUpperBound",
            "note",
            "stitchAppName",
            "cloudProvider",
            "tags");

    @AtlasUnderTest(orgs = {ORG_A, ORG_B, ORG_SMALL})
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static {
        atlas.addOrg(ORG_A, "Acme Retail", 5, 40);
        atlas.addOrg(ORG_B, "Acme Labs", 6, 20);
        atlas.addOrg(ORG_SMALL, "Acme Tiny", 7, 1);
        List.of(ORG_A, ORG_B, ORG_SMALL)
                .forEach(org -> atlas.org(org).costExplorer().notReadyPolls(0));
    }

    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void atlasProperties(DynamicPropertyRegistry registry) {
        registry.add("billing.orgs[0].name", () -> "Acme Retail");
    }

    static boolean synced;

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    ApiTestClient api;

    @BeforeEach
    void syncOnce() {
        api = new ApiTestClient(port);
        if (!synced) {
            ManualRun.configuredOrgIds(context)
                    .forEach(orgId ->
                            assertThat(ManualRun.of(context, orgId).status()).isEqualTo("SUCCEEDED"));
            synced = true;
        }
    }

    @Test
    void pendingInvoicesEqualTheAtlasResponseFieldByField() {
        for (String orgId : List.of(ORG_A, ORG_B, ORG_SMALL)) {
            JsonNode ours = api.get("/api/v1/orgs/" + orgId + "/invoices/pending", READER)
                    .json();
            JsonNode theirs = ApiTestClient.EXACT.readTree(
                    atlas.org(orgId).pendingInvoicesResponse().toString());

            assertThat(ours.get("totalCount")).isEqualTo(theirs.get("totalCount"));
            assertThat(ours.get("results").size())
                    .isEqualTo(theirs.get("results").size());
            for (int i = 0; i < theirs.get("results").size(); i++) {
                JsonNode invoice = ours.get("results").get(i);
                assertThat(atlasFieldsOf(invoice))
                        .isEqualTo(atlasFieldsOf(theirs.get("results").get(i)));
                assertThat(invoice.get("links").get(0).get("rel").asString()).isEqualTo("self");
                assertThat(invoice.get("links").get(0).get("href").asString())
                        .isEqualTo(api.base() + "/api/v1/orgs/" + orgId + "/invoices/"
                                + invoice.get("id").asString());
                // A linked org's invoice nested here is that org's own invoice, stored and served under it.
                assertThat(invoice.get("linkedInvoices")).isNotEmpty().allSatisfy(linked -> {
                    String self =
                            api.base() + "/api/v1/orgs/" + linked.get("orgId").asString() + "/invoices/"
                                    + linked.get("id").asString();
                    assertThat(linked.get("links").get(0).get("href").asString())
                            .isEqualTo(self);
                    assertThat(atlasFieldsOf(api.get(self.substring(api.base().length()), READER)
                                    .json()))
                            .isEqualTo(atlasFieldsOf(linked));
                });
            }
        }
    }

    /** Streamed invoices are written field by field: same order and formats as the response records would give. */
    @Test
    void streamedInvoicesKeepTheFieldOrderOfTheResponseRecords() {
        ApiTestClient.Response response = api.get(path("invoice"), READER);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).isEqualTo("application/json");
        JsonNode invoice = response.json();
        assertThat(List.copyOf(invoice.propertyNames()))
                .isEqualTo(componentsPresentIn(dev.billingsync.invoices.InvoiceResponse.class, invoice));
        for (JsonNode line : invoice.get("lineItems")) {
            assertThat(List.copyOf(line.propertyNames()))
                    .isEqualTo(componentsPresentIn(dev.billingsync.invoices.InvoiceLineItem.class, line));
        }
        assertThat(invoice.get("startDate").asString()).endsWith("Z");
        JsonNode pending =
                api.get("/api/v1/orgs/" + ORG_A + "/invoices/pending", READER).json();
        assertThat(List.copyOf(pending.propertyNames())).containsExactly("links", "results", "totalCount");
        assertThat(pending.get("results").get(0)).isEqualTo(invoice);
    }

    private static List<String> componentsPresentIn(Class<? extends Record> type, JsonNode node) {
        return componentNames(type).filter(node::has).toList();
    }

    /** A record's JSON names in component order, with the components of an unwrapped record in its place. */
    @SuppressWarnings("unchecked")
    private static Stream<String> componentNames(Class<? extends Record> type) {
        return Stream.of(type.getRecordComponents())
                .flatMap(c -> c.getAccessor().isAnnotationPresent(JsonUnwrapped.class)
                                || c.isAnnotationPresent(JsonUnwrapped.class)
                        ? componentNames((Class<? extends Record>) c.getType())
                        : Stream.of(c.getName()));
    }

    @Test
    void costExplorerUsageFiltersByMonthAndGrouping() {
        String usage = "/api/v1/orgs/" + ORG_A + "/billing/costExplorer/usage";
        JsonNode all = api.get(usage + "?itemsPerPage=500", READER).json();
        assertThat(all.get("results")).isNotEmpty().allSatisfy(row -> {
            assertThat(row.get("orgId").asString()).isEqualTo(ORG_A);
            assertThat(row.get("usageDate").asString()).endsWith("-01");
            assertThat(row.get("usageAmount").isNumber()).isTrue();
        });
        JsonNode byProject =
                api.get(usage + "?itemsPerPage=500&groupBy=projects", READER).json();
        assertThat(byProject.get("results")).isNotEmpty().allSatisfy(row -> {
            assertThat(row.get("groupBy").asString()).isEqualTo("projects");
            assertThat(atlas.org(ORG_A).groupIds())
                    .contains(row.get("dimensionId").asString());
        });
        String month = all.get("results").get(0).get("usageDate").asString();
        JsonNode oneMonth = api.get(
                        usage + "?itemsPerPage=500&startDate=" + month + "&endDate="
                                + java.time.LocalDate.parse(month).plusMonths(1),
                        READER)
                .json();
        assertThat(oneMonth.get("results"))
                .isNotEmpty()
                .allSatisfy(row -> assertThat(row.get("usageDate").asString()).isEqualTo(month));
        for (String bad : List.of(
                "startDate=2026-11-15",
                "groupBy=skus",
                "startDate=2026-11-01&endDate=2026-10-01",
                "endDate=notadate")) {
            ApiTestClient.Response response = api.get(usage + "?" + bad, READER);
            assertThat(response.status()).as(bad).isEqualTo(400);
            assertThat(response.json().get("errorCode").asString()).isEqualTo("INVALID_PARAMETER");
        }
    }

    @Test
    void servesReadsFromPostgresWhileAtlasIsDown() {
        atlas.failAlways(ORG_A, 503);
        try {
            assertThat(api.get("/api/v1/orgs/" + ORG_A + "/invoices/pending", READER)
                            .status())
                    .isEqualTo(200);
        } finally {
            atlas.clearFaults(ORG_A);
        }
    }

    static Stream<String> singleEndpoints() {
        return Stream.of("invoice", "syncRun");
    }

    static Stream<String> listEndpoints() {
        return Stream.of("orgs", "pending", "invoices", "lineItems", "syncRuns", "usage", "costQueries");
    }

    @ParameterizedTest
    @MethodSource("singleEndpoints")
    void singleResourcesHonourEnvelopeAndPretty(String endpoint) {
        String path = path(endpoint);
        ApiTestClient.Response plain = api.get(path, READER);
        assertThat(plain.status()).isEqualTo(200);

        ApiTestClient.Response enveloped = api.get(path + "?envelope=true", READER);
        assertThat(enveloped.status()).isEqualTo(200);
        JsonNode envelope = enveloped.json();
        assertThat(envelope.get("status").intValue()).isEqualTo(200);
        assertThat(envelope.get("content")).isEqualTo(plain.json());

        ApiTestClient.Response pretty = api.get(path + "?pretty=true", READER);
        assertThat(pretty.body()).contains("\n  \"");
        assertThat(pretty.json()).isEqualTo(plain.json());
        assertThat(plain.body()).doesNotContain("\n");
    }

    @ParameterizedTest
    @MethodSource("listEndpoints")
    void listsHonourEnvelopePrettyAndPaging(String endpoint) {
        String path = path(endpoint);
        JsonNode all = api.get(path + "?itemsPerPage=500", READER).json();
        long total = all.get("totalCount").longValue();
        assertThat(total).as("%s has data", endpoint).isPositive();
        if (total <= 500) {
            assertThat(rels(all)).containsExactly("self");
        } else {
            assertThat(rels(all)).containsExactlyInAnyOrder("self", "next");
        }

        JsonNode enveloped = api.get(path + "?envelope=true", READER).json();
        assertThat(enveloped.get("status").intValue()).isEqualTo(200);
        assertThat(enveloped.has("results")).isTrue();
        assertThat(enveloped.has("links")).isTrue();
        assertThat(api.get(path + "?pretty=true", READER).body()).contains("\n  \"");

        JsonNode first = api.get(path + "?itemsPerPage=1&pageNum=1", READER).json();
        assertThat(first.get("results").size()).isEqualTo(1);
        assertThat(first.get("totalCount").longValue()).isEqualTo(total);
        if (total > 1) {
            assertThat(rels(first)).containsExactlyInAnyOrder("self", "next");
            JsonNode second =
                    api.get(path + "?itemsPerPage=1&pageNum=2", READER).json();
            assertThat(second.get("results").get(0))
                    .isEqualTo(all.get("results").get(1));
            assertThat(rels(second)).contains("self", "previous");
            JsonNode last =
                    api.get(path + "?itemsPerPage=1&pageNum=" + total, READER).json();
            assertThat(rels(last)).containsExactlyInAnyOrder("self", "previous");
        }
        for (JsonNode link : first.get("links")) {
            assertThat(link.get("href").asString()).startsWith("http://localhost:" + port + "/api/v1/");
        }
        JsonNode beyond =
                api.get(path + "?itemsPerPage=100&pageNum=1000", READER).json();
        assertThat(beyond.get("results")).isEmpty();

        JsonNode uncounted = api.get(path + "?includeCount=false", READER).json();
        assertThat(uncounted.has("totalCount")).isFalse();
        assertThat(api.get(path + "?itemsPerPage=0", READER)
                        .json()
                        .get("results")
                        .size())
                .isEqualTo((int) Math.min(total, 100));

        for (String bad : List.of(
                "itemsPerPage=501",
                "itemsPerPage=-1",
                "pageNum=-1",
                "itemsPerPage=abc",
                "pageNum=99999999999999999999",
                "includeCount=maybe",
                "envelope=maybe")) {
            ApiTestClient.Response response = api.get(path + "?" + bad, READER);
            assertThat(response.status()).as("%s?%s", endpoint, bad).isEqualTo(400);
            assertThat(response.json().get("errorCode").asString()).isNotBlank();
        }
    }

    @Test
    void errorsAreEnvelopedWithTheirRealStatus() {
        ApiTestClient.Response response =
                api.get("/api/v1/orgs/" + ORG_A + "/invoices/ffffffffffffffffffffffff?envelope=true", READER);
        assertThat(response.status()).isEqualTo(404);
        JsonNode body = response.json();
        assertThat(body.get("status").intValue()).isEqualTo(404);
        assertThat(body.get("content").get("error").intValue()).isEqualTo(404);
        assertThat(body.get("content").get("errorCode").asString()).isEqualTo("INVOICE_NOT_FOUND");
    }

    @Test
    void malformedIdsAre400AndUnknownIdsAre404() {
        assertThat(api.get("/api/v1/orgs/not-an-org/invoices", READER).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/orgs/" + ORG_A + "/invoices/XYZ", READER).status())
                .isEqualTo(400);
        assertThat(api.get("/api/v1/orgs/ffffffffffffffffffffffff/invoices", READER)
                        .status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/syncRuns/999999999", READER).status()).isEqualTo(404);
    }

    @Test
    void lineItemsCsvHasEveryMatchingRowWithTheSameValuesAsJson() {
        String path = path("lineItems");
        JsonNode json = api.get(path + "?itemsPerPage=500", READER).json();
        ApiTestClient.Response csv = api.send("GET", path, READER, null, "text/csv");

        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        List<CSVRecord> rows = parseCsv(csv.body());
        assertThat(rows).hasSize(json.get("totalCount").intValue());
        for (int i = 0; i < json.get("results").size(); i++) {
            JsonNode line = json.get("results").get(i);
            CSVRecord row = rows.get(i);
            assertThat(row.get("sku")).isEqualTo(line.get("sku").asString());
            assertThat(row.get("totalPriceCents"))
                    .isEqualTo(line.get("totalPriceCents").asString());
            assertThat(row.get("quantity"))
                    .isEqualTo(line.get("quantity").decimalValue().toPlainString());
        }
    }

    @Test
    void filtersLineItemsBySkuAndProject() {
        String path = path("lineItems");
        JsonNode first =
                api.get(path + "?itemsPerPage=1", READER).json().get("results").get(0);
        String sku = first.get("sku").asString();
        String group = first.get("groupId").asString();
        JsonNode filtered = api.get(path + "?itemsPerPage=500&sku=" + sku + "&groupId=" + group, READER)
                .json();
        assertThat(filtered.get("results")).isNotEmpty().allSatisfy(line -> {
            assertThat(line.get("sku").asString()).isEqualTo(sku);
            assertThat(line.get("groupId").asString()).isEqualTo(group);
        });
    }

    /** A filtered page's lines carry exactly their own tags (they are loaded for the page's positions only). */
    @Test
    void filteredLineItemPagesCarryTheTagsOfTheirOwnLines() {
        String path = path("lineItems");
        JsonNode all = api.get(path + "?itemsPerPage=500", READER).json().get("results");
        String sku = all.get(all.size() - 1).get("sku").asString();
        JsonNode filtered =
                api.get(path + "?itemsPerPage=500&sku=" + sku, READER).json().get("results");
        List<JsonNode> expected = new ArrayList<>();
        all.forEach(line -> {
            if (line.get("sku").asString().equals(sku)) {
                expected.add(line);
            }
        });
        assertThat(filtered).hasSize(expected.size());
        assertThat(expected)
                .as("the SKU's lines are spread out and some are tagged")
                .anySatisfy(line -> assertThat(line.has("tags")).isTrue())
                .hasSizeLessThan(all.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(filtered.get(i)).isEqualTo(expected.get(i));
        }
    }

    @Test
    void readsCostAFixedNumberOfStatementsWhateverTheSize() {
        String big = "/api/v1/orgs/" + ORG_A + "/invoices/" + atlas.org(ORG_A).pendingInvoiceId();
        String small = "/api/v1/orgs/" + ORG_SMALL + "/invoices/"
                + atlas.org(ORG_SMALL).pendingInvoiceId();
        assertThat(atlas.org(ORG_A).lineItemCount(atlas.org(ORG_A).pendingInvoiceId()))
                .isGreaterThan(10
                        * atlas.org(ORG_SMALL)
                                .lineItemCount(atlas.org(ORG_SMALL).pendingInvoiceId()));

        // New row versions, so that none of these reads is sent from memory (where an earlier test kept it).
        jdbc.update("update invoices set org_id = org_id");
        long bigInvoice = StatementCounter.during(
                () -> assertThat(api.get(big, READER).status()).isEqualTo(200));
        long smallInvoice = StatementCounter.during(
                () -> assertThat(api.get(small, READER).status()).isEqualTo(200));
        long page500 = StatementCounter.during(() -> api.get(big + "/lineItems?itemsPerPage=500", READER));
        long page5 = StatementCounter.during(() -> api.get(big + "/lineItems?itemsPerPage=5", READER));
        long pendingBig = StatementCounter.during(() -> api.get("/api/v1/orgs/" + ORG_A + "/invoices/pending", READER));
        long pendingSmall =
                StatementCounter.during(() -> api.get("/api/v1/orgs/" + ORG_SMALL + "/invoices/pending", READER));

        // Each invoice costs a fixed number, and so does each linked org's invoice it nests (one in each here).
        assertThat(api.get(big, READER).json().get("linkedInvoices").size())
                .isEqualTo(api.get(small, READER).json().get("linkedInvoices").size())
                .isEqualTo(1);
        // Each read first checks the version of its rows (to send a kept body if it has one), in place of the org's
        // and the invoice's existence checks; the pending list reads its version besides the list of its ids (+1).
        assertThat(bigInvoice).isEqualTo(smallInvoice).isLessThanOrEqualTo(8 + 5);
        assertThat(page500).isEqualTo(page5).isLessThanOrEqualTo(8);
        assertThat(pendingBig).isEqualTo(pendingSmall).isLessThanOrEqualTo(9 + 5);

        // Read again, unchanged: the bodies written above are sent from memory after one version check each.
        for (String url : List.of(big, small, big + "/lineItems?itemsPerPage=500", big + "/lineItems?itemsPerPage=5")) {
            assertThat(StatementCounter.during(() -> api.get(url, READER)))
                    .as(url)
                    .isEqualTo(1);
        }
    }

    @Test
    void orgsShowLastSyncAndPendingInvoice() {
        JsonNode orgList = api.get("/api/v1/orgs", READER).json();
        assertThat(orgList.get("totalCount").intValue()).isEqualTo(3);
        JsonNode a = find(orgList.get("results"), "id", ORG_A);
        assertThat(a.get("name").asString()).isEqualTo("Acme Retail");
        assertThat(a.get("pendingInvoiceId").asString())
                .isEqualTo(atlas.org(ORG_A).pendingInvoiceId());
        assertThat(a.get("lastSuccessfulSyncAt").asString()).endsWith("Z");
        assertThat(a.get("lastSyncRun").get("status").asString()).isEqualTo("SUCCEEDED");
    }

    @Test
    void startsASyncOnDemandAndRefusesASecondWhileItRuns() {
        ApiTestClient.Response started =
                api.send("POST", "/api/v1/orgs/" + ORG_B + "/syncRuns", SYNCER, null, "application/json");
        assertThat(started.status()).isEqualTo(202);
        JsonNode run = started.json();
        assertThat(run.get("trigger").asString()).isEqualTo("MANUAL");
        String location = started.headers().firstValue("Location").orElseThrow();
        assertThat(location)
                .isEqualTo(api.base() + "/api/v1/syncRuns/" + run.get("id").asString());

        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> !api.get(location.substring(api.base().length()), READER)
                        .json()
                        .get("status")
                        .asString()
                        .equals("RUNNING"));
        assertThat(api.get(location.substring(api.base().length()), READER)
                        .json()
                        .get("status")
                        .asString())
                .isEqualTo("SUCCEEDED");

        atlas.enqueueFault(ORG_B, dev.billingsync.simulator.Fault.delay(java.time.Duration.ofSeconds(3)));
        ApiTestClient.Response slow =
                api.send("POST", "/api/v1/orgs/" + ORG_B + "/syncRuns", SYNCER, null, "application/json");
        assertThat(slow.status()).isEqualTo(202);
        ApiTestClient.Response conflict =
                api.send("POST", "/api/v1/orgs/" + ORG_B + "/syncRuns", SYNCER, null, "application/json");
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.json().get("errorCode").asString()).isEqualTo("SYNC_ALREADY_RUNNING");
        String slowRun = "/api/v1/syncRuns/" + slow.json().get("id").asString();
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() ->
                        api.get(slowRun, READER).json().get("status").asString().equals("SUCCEEDED"));
    }

    @Test
    void aThousandMalformedRequestsNeverGetA5xx() {
        ApiFuzzer fuzzer =
                new ApiFuzzer(20261122L, List.of(ORG_A, atlas.org(ORG_A).pendingInvoiceId()));
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            ApiFuzzer.FuzzRequest request = fuzzer.next();
            ApiTestClient.Response response = api.send(request.toHttpRequest(api.base(), SYNCER));
            if (response.status() >= 500) {
                failures.add(response.status() + " for " + request);
            } else if (response.status() >= 400 && !request.method().equals("HEAD")) {
                JsonNode error = response.json();
                JsonNode body = error.has("content") && error.has("status") ? error.get("content") : error;
                if (!body.hasNonNull("errorCode") || body.get("error").intValue() != response.status()) {
                    failures.add("no Atlas error body for " + request + ": " + response.body());
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void openApiDescribesEveryEndpoint() {
        JsonNode spec = api.get("/v3/api-docs", null).json();
        assertThat(spec.get("paths").propertyNames())
                .contains(
                        "/api/v1/orgs",
                        "/api/v1/orgs/{orgId}/invoices/pending",
                        "/api/v1/orgs/{orgId}/invoices",
                        "/api/v1/orgs/{orgId}/invoices/{invoiceId}",
                        "/api/v1/orgs/{orgId}/invoices/{invoiceId}/lineItems",
                        "/api/v1/syncRuns",
                        "/api/v1/syncRuns/{id}",
                        "/api/v1/orgs/{orgId}/syncRuns");
    }

    @Test
    void swaggerUiListsTheInvoiceEndpointsInARealBrowser() throws Exception {
        java.util.Optional<Path> chromium = Stream.of(
                        "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                chromium.isPresent(), "Skipped: no Chromium binary (apt-get install chromium); .ci/run installs it");
        Path profile = Files.createTempDirectory("chromium-profile");
        Process browser = new ProcessBuilder(
                        chromium.get().toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                        "--user-data-dir=" + profile,
                        "--virtual-time-budget=20000",
                        "--dump-dom",
                        api.base() + "/swagger-ui/index.html")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String dom = new String(browser.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(browser.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        assertThat(dom)
                .contains("/api/v1/orgs/{orgId}/invoices/pending")
                .contains("/api/v1/orgs/{orgId}/invoices/{invoiceId}/lineItems")
                .contains("/api/v1/orgs/{orgId}/invoices/{invoiceId}");
    }

    private String path(String endpoint) {
        String pending = atlas.org(ORG_A).pendingInvoiceId();
        return switch (endpoint) {
            case "orgs" -> "/api/v1/orgs";
            case "pending" -> "/api/v1/orgs/" + ORG_A + "/invoices/pending";
            case "invoices" -> "/api/v1/orgs/" + ORG_A + "/invoices";
            case "invoice" -> "/api/v1/orgs/" + ORG_A + "/invoices/" + pending;
            case "lineItems" -> "/api/v1/orgs/" + ORG_A + "/invoices/" + pending + "/lineItems";
            case "syncRuns" -> "/api/v1/syncRuns";
            case "usage" -> "/api/v1/orgs/" + ORG_A + "/billing/costExplorer/usage";
            case "costQueries" -> "/api/v1/orgs/" + ORG_A + "/billing/costExplorer/queries";
            case "syncRun" ->
                "/api/v1/syncRuns/"
                        + api.get("/api/v1/syncRuns", READER)
                                .json()
                                .get("results")
                                .get(0)
                                .get("id")
                                .asString();
            default -> throw new IllegalArgumentException(endpoint);
        };
    }

    private static List<String> rels(JsonNode list) {
        List<String> rels = new ArrayList<>();
        list.get("links").forEach(link -> rels.add(link.get("rel").asString()));
        return rels;
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode node : array) {
            if (value.equals(node.get(field).asString())) {
                return node;
            }
        }
        throw new AssertionError("no " + field + "=" + value + " in " + array);
    }

    /**
     * The Atlas fields of an invoice, but for {@code links}, which point into each API (Atlas's to Atlas, ours to
     * ours). Unknown upstream extras are not Atlas fields.
     */
    private static JsonNode atlasFieldsOf(JsonNode invoice) {
        ObjectNode copy = ((ObjectNode) invoice).deepCopy();
        copy.retain(INVOICE_FIELDS);
        ArrayNode lines = (ArrayNode) copy.get("lineItems");
        if (lines != null) {
            lines.forEach(line -> ((ObjectNode) line).retain(LINE_FIELDS));
        }
        ArrayNode linked = (ArrayNode) copy.get("linkedInvoices");
        if (linked != null) {
            for (int i = 0; i < linked.size(); i++) {
                linked.set(i, atlasFieldsOf(linked.get(i)));
            }
        }
        return copy;
    }

    private static List<CSVRecord> parseCsv(String body) {
        try {
            return CSVFormat.RFC4180
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .get()
                    .parse(new StringReader(body))
                    .getRecords();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
