package dev.billingsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.TestApiKey;
import dev.billingsync.atlas.AtlasClient;
import dev.billingsync.invoices.InvoiceStore;
import dev.billingsync.orgs.OrgRegistry;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.simulator.Fault;
import dev.billingsync.simulator.RecordedRequest;
import dev.billingsync.simulator.SimulatedOrg;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Closed invoices of the history window (DESIGN §4.1): backfilled from Atlas's invoice list, then kept current by
 * comparing that list with what is stored, so an unchanged org costs one list call and a refund on a PAID invoice is
 * still picked up.
 */
@BillingSyncIntegrationTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "billing.cost-explorer.enabled=false",
            "billing.sync.history-months=12",
            "billing.atlas.retry.initial-backoff=10ms",
            "billing.atlas.retry.max-backoff=20ms"
        })
@TestApiKey(name = "finance", key = InvoiceHistoryIntegrationTests.API_KEY, roles = "READ")
class InvoiceHistoryIntegrationTests {

    static final String ORG_HISTORY = "8c0c1a2b3c4d5e6f7a8b9c01";
    static final String ORG_WIDENED = "8c0c1a2b3c4d5e6f7a8b9c02";
    static final String ORG_RESUMED = "8c0c1a2b3c4d5e6f7a8b9c03";
    static final String ORG_API = "8c0c1a2b3c4d5e6f7a8b9c04";
    static final String API_KEY = "history-finance-key-0123456789";

    @AtlasUnderTest
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static {
        // 18 closed months in all: 15 added before the simulator's last three.
        for (String org : List.of(ORG_HISTORY, ORG_WIDENED, ORG_RESUMED, ORG_API)) {
            atlas.addOrg(org, "History " + org.substring(22), org.hashCode(), 4).addHistory(15);
        }
    }

    @Autowired
    OrgSync orgSync;

    @Autowired
    OrgCredentials orgs;

    @Autowired
    JdbcClient jdbc;

    StoredInvoiceAssertions stored;

    @BeforeEach
    void setUp() {
        stored = new StoredInvoiceAssertions(jdbc);
    }

    @Test
    void theFirstRunBackfillsTheWindowExactlyAndAnUnchangedRunCostsOneListCall() {
        SimulatedOrg org = atlas.org(ORG_HISTORY);
        LocalDate from = windowStart(12);
        atlas.clearRequests();

        SyncRun first = sync(ORG_HISTORY);

        assertThat(first.status()).isEqualTo(SyncRun.Status.SUCCEEDED);
        List<String> inWindow = closedInvoices(org, from);
        List<String> older = org.invoiceIds().stream()
                .filter(id -> !inWindow.contains(id) && !id.equals(org.pendingInvoiceId()))
                .toList();
        assertThat(inWindow).hasSize(12);
        assertThat(older).hasSize(6);
        for (String id : inWindow) {
            stored.assertMatches(org.invoiceResponse(id));
        }
        assertThat(fetchedById(ORG_HISTORY)).containsExactlyInAnyOrderElementsOf(inWindow);
        assertThat(jdbc.sql("select count(*) from invoices where id = any (?)")
                        .param(older.toArray(String[]::new))
                        .query(Long.class)
                        .single())
                .as("invoices older than the window")
                .isZero();
        assertThat(jdbc.sql("select history_synced_from from organizations where id = ?")
                        .param(ORG_HISTORY)
                        .query(LocalDate.class)
                        .single())
                .isEqualTo(from);

        atlas.clearRequests();
        SyncRun second = sync(ORG_HISTORY);

        assertThat(second.status()).isEqualTo(SyncRun.Status.SUCCEEDED);
        assertThat(second.invoicesWritten()).isZero();
        assertThat(atlas.requests().stream().filter(r -> r.path().startsWith("/api/atlas/v2")))
                .extracting(RecordedRequest::path)
                .containsExactlyInAnyOrder(
                        "/api/atlas/v2/orgs/" + ORG_HISTORY + "/invoices/pending",
                        "/api/atlas/v2/orgs/" + ORG_HISTORY + "/invoices");
        assertThat(second.atlasRequests()).isEqualTo(2);

        // A refund months later on a PAID invoice: its `updated` and amounts change, so the list shows it.
        String paid = inWindow.stream()
                .filter(id ->
                        "PAID".equals(org.invoiceResponse(id).get("statusName").asString()))
                .findFirst()
                .orElseThrow();
        Map<String, String> before = invoiceRowVersions();
        org.addRefund(paid);
        atlas.clearRequests();

        SyncRun third = sync(ORG_HISTORY);

        assertThat(third.status()).isEqualTo(SyncRun.Status.SUCCEEDED);
        assertThat(third.invoicesWritten()).isEqualTo(1);
        stored.assertMatches(org.invoiceResponse(paid));
        assertThat(org.invoiceResponse(paid).get("refunds").size()).isPositive();
        assertThat(fetchedById(ORG_HISTORY)).containsExactly(paid);
        Map<String, String> after = invoiceRowVersions();
        before.keySet().removeIf(key -> key.contains(paid));
        after.keySet().removeIf(key -> key.contains(paid));
        assertThat(after).as("row versions of every other invoice").isEqualTo(before);
    }

    @Test
    void wideningTheWindowBackfillsOnlyTheExtraMonths() {
        SimulatedOrg org = atlas.org(ORG_WIDENED);
        AtlasInvoiceSync threeMonths = invoiceSync(3);
        atlas.clearRequests();

        runWith(threeMonths, ORG_WIDENED);

        assertThat(fetchedById(ORG_WIDENED)).containsExactlyInAnyOrderElementsOf(closedInvoices(org, windowStart(3)));
        atlas.clearRequests();

        SyncRun widened = sync(ORG_WIDENED);

        assertThat(widened.status()).isEqualTo(SyncRun.Status.SUCCEEDED);
        List<String> extra = closedInvoices(org, windowStart(12)).stream()
                .filter(id -> !closedInvoices(org, windowStart(3)).contains(id))
                .toList();
        assertThat(extra).hasSize(9);
        assertThat(fetchedById(ORG_WIDENED)).containsExactlyInAnyOrderElementsOf(extra);
        for (String id : closedInvoices(org, windowStart(12))) {
            stored.assertMatches(org.invoiceResponse(id));
        }
    }

    @Test
    void aBackfillCutShortResumesWithoutFetchingWhatItStoredAgain() {
        SimulatedOrg org = atlas.org(ORG_RESUMED);
        List<String> window = closedInvoices(org, windowStart(12));
        // The pending call, the list and four invoices go through; then Atlas fails every call for a while.
        for (int i = 0; i < 6; i++) {
            atlas.enqueueFault(ORG_RESUMED, Fault.delay(Duration.ZERO));
        }
        for (int i = 0; i < 200; i++) {
            atlas.enqueueFault(ORG_RESUMED, Fault.status(503));
        }
        atlas.clearRequests();

        SyncRun cut = sync(ORG_RESUMED);

        assertThat(cut.status()).isEqualTo(SyncRun.Status.PARTIAL);
        List<String> storedFirst = jdbc.sql("select id from invoices where id = any (?)")
                .param(window.toArray(String[]::new))
                .query(String.class)
                .list();
        assertThat(storedFirst).hasSize(4);
        assertThat(jdbc.sql("select history_synced_from from organizations where id = ?")
                        .param(ORG_RESUMED)
                        .query(LocalDate.class)
                        .optional())
                .as("not complete yet")
                .isEmpty();
        atlas.clearFaults(ORG_RESUMED);
        atlas.clearRequests();

        SyncRun resumed = sync(ORG_RESUMED);

        assertThat(resumed.status()).isEqualTo(SyncRun.Status.SUCCEEDED);
        assertThat(fetchedById(ORG_RESUMED))
                .containsExactlyInAnyOrderElementsOf(
                        window.stream().filter(id -> !storedFirst.contains(id)).toList());
        for (String id : window) {
            stored.assertMatches(org.invoiceResponse(id));
        }
    }

    @Test
    void theApiShowsHowFarBackAnOrgIsSyncedWhatChangedSinceAndWhatAtlasNoLongerServes() {
        SimulatedOrg org = atlas.org(ORG_API);
        sync(ORG_API);
        List<String> window = closedInvoices(org, windowStart(12));

        JsonNode orgs = get("/api/v1/orgs?itemsPerPage=500");
        JsonNode self = java.util.stream.StreamSupport.stream(
                        orgs.get("results").spliterator(), false)
                .filter(o -> ORG_API.equals(o.get("id").asString()))
                .findFirst()
                .orElseThrow();
        assertThat(self.get("historyFrom").asString()).isEqualTo(windowStart(12).toString());
        JsonNode all = get("/api/v1/orgs/" + ORG_API + "/invoices?itemsPerPage=500");
        assertThat(all.get("totalCount").asLong()).isEqualTo(window.size() + 1L);

        Instant before = Instant.now();
        String refunded = window.stream()
                .filter(id ->
                        "PAID".equals(org.invoiceResponse(id).get("statusName").asString()))
                .findFirst()
                .orElseThrow();
        String withdrawn =
                window.stream().filter(id -> !id.equals(refunded)).findFirst().orElseThrow();
        org.addRefund(refunded);
        org.withdrawInvoice(withdrawn);
        SyncRun run = sync(ORG_API);
        assertThat(run.status()).isEqualTo(SyncRun.Status.PARTIAL);
        assertThat(run.errorDetail()).contains(withdrawn);

        JsonNode changed = get("/api/v1/orgs/" + ORG_API + "/invoices?updatedSince=" + before);
        assertThat(changed.get("results"))
                .extracting(i -> i.get("id").asString())
                .containsExactlyInAnyOrder(refunded, withdrawn);
        JsonNode missing = get("/api/v1/orgs/" + ORG_API + "/invoices/" + withdrawn);
        assertThat(Instant.parse(missing.get("missingUpstreamAt").asString())).isAfterOrEqualTo(before);
        assertThat(missing.get("lineItems").size()).as("its data kept").isPositive();
        assertThat(get("/api/v1/orgs/" + ORG_API + "/invoices/" + refunded).has("missingUpstreamAt"))
                .isFalse();
    }

    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    private JsonNode get(String pathAndQuery) {
        String body = org.springframework.web.client.RestClient.create("http://localhost:" + port)
                .get()
                .uri(java.net.URI.create("http://localhost:" + port + pathAndQuery))
                .header("X-API-Key", API_KEY)
                .retrieve()
                .body(String.class);
        return tools.jackson.databind.json.JsonMapper.builder().build().readTree(body);
    }

    @Autowired
    InvoiceStore store;

    @Autowired
    OrgRegistry organizations;

    @Autowired
    OrgSyncLock locks;

    @Autowired
    TransactionTemplate transaction;

    @Autowired
    AtlasClient atlasClient;

    @Autowired
    SyncProperties properties;

    /** The invoice part of a sync as a replica configured with another history window would run it. */
    private AtlasInvoiceSync invoiceSync(int historyMonths) {
        SyncProperties other = new SyncProperties(
                properties.enabled(),
                properties.cron(),
                properties.runOnStartup(),
                properties.startupGrace(),
                properties.lockAtMostFor(),
                List.of(),
                properties.orgTimeBudget(),
                historyMonths,
                properties.parallelism());
        return new AtlasInvoiceSync(
                store, organizations, locks, transaction, Clock.systemUTC(), new SyncShutdown(), other);
    }

    private void runWith(AtlasInvoiceSync sync, String orgId) {
        ConfiguredOrg org = orgs.find(orgId).orElseThrow();
        organizations.registerLinkedOrg(orgId, Instant.now());
        OrgSyncLock.Held held = locks.tryLock(orgId).orElseThrow();
        try {
            AtlasInvoiceSync.Result result = sync.sync(
                    orgId,
                    atlasClient.session(orgId, org.credentials()),
                    Instant.now().plus(Duration.ofMinutes(5)));
            assertThat(result.problems()).isEmpty();
        } finally {
            held.release();
        }
    }

    private SyncRun sync(String orgId) {
        return orgSync.run(orgs.find(orgId).orElseThrow(), SyncRun.Trigger.MANUAL, null)
                .orElseThrow();
    }

    /** The first day of the oldest month of a window of {@code months} whole months before the current one. */
    private static LocalDate windowStart(int months) {
        return LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).minusMonths(months);
    }

    /** The org's own invoices whose period starts on or after {@code from}, the pending one excluded. */
    private static List<String> closedInvoices(SimulatedOrg org, LocalDate from) {
        return org.invoiceIds().stream()
                .filter(id -> !id.equals(org.pendingInvoiceId()))
                .filter(id -> {
                    JsonNode invoice = org.invoiceResponse(id);
                    return !LocalDate.ofInstant(
                                    Instant.parse(invoice.get("startDate").asString()), ZoneOffset.UTC)
                            .isBefore(from);
                })
                .toList();
    }

    private static List<String> fetchedById(String orgId) {
        String prefix = "/api/atlas/v2/orgs/" + orgId + "/invoices/";
        return atlas.requests().stream()
                .map(RecordedRequest::path)
                .filter(path -> path.startsWith(prefix) && !path.endsWith("/pending"))
                .map(path -> path.substring(prefix.length()))
                .toList();
    }

    private Map<String, String> invoiceRowVersions() {
        return jdbc.sql("""
                select 'invoice:' || id, xmin::text from invoices
                union all select 'line:' || invoice_id || ':' || position, xmin::text from line_items
                union all select 'payment:' || invoice_id || ':' || position, xmin::text from payments
                union all select 'refund:' || invoice_id || ':' || position, xmin::text from refunds
                """).query((rs, n) -> Map.entry(rs.getString(1), rs.getString(2))).list().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
