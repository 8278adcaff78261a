package dev.billingsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.simulator.Fault;
import dev.billingsync.simulator.RecordedRequest;
import dev.billingsync.simulator.SimulatedOrg;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

@BillingSyncIntegrationTest(
        properties = {
            "billing.cost-explorer.enabled=false",
            "billing.atlas.retry.initial-backoff=50ms",
            "billing.atlas.retry.max-backoff=200ms"
        })
class InvoiceSyncIntegrationTests {

    static final String ORG_A = "5f0c1a2b3c4d5e6f7a8b9c01";
    static final String ORG_B = "5f0c1a2b3c4d5e6f7a8b9c02";
    static final String ORG_C = "5f0c1a2b3c4d5e6f7a8b9c03";
    static final String CLIENT_ID = "mdb_sa_id_0123456789abcdef";
    static final String CLIENT_SECRET = "mdb_sa_sk_s3cr3t-value-never-logged";

    @AtlasUnderTest(
            orgs = {ORG_A, ORG_B, ORG_C},
            clientId = CLIENT_ID,
            clientSecret = CLIENT_SECRET)
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static final Path SPOOL = temporaryDirectory();

    static {
        atlas.addOrg(ORG_A, "Acme Retail", 1, 40);
        atlas.addOrg(ORG_B, "Acme Labs", 2, 25);
        atlas.addOrg(ORG_C, "Acme Payments", 3, 10);
    }

    @DynamicPropertySource
    static void atlasProperties(DynamicPropertyRegistry registry) {
        registry.add("billing.orgs[0].name", () -> "Acme Retail");
        registry.add("billing.atlas.spool-directory", SPOOL::toString);
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
        List.of(ORG_A, ORG_B, ORG_C).forEach(atlas::clearFaults);
    }

    @Test
    void storesEveryFieldOfEveryInvoiceExactly() {
        syncAll().forEach(run -> assertThat(run.status()).isEqualTo(SyncRun.Status.SUCCEEDED));

        for (String orgId : List.of(ORG_A, ORG_B, ORG_C)) {
            JsonNode pending = atlas.org(orgId).pendingInvoicesResponse();
            assertThat(pending.get("results")).isNotEmpty();
            for (JsonNode invoice : pending.get("results")) {
                stored.assertMatches(invoice);
            }
            assertThat(pendingIdOf(orgId)).isEqualTo(atlas.org(orgId).pendingInvoiceId());
        }
    }

    @Test
    void secondRunWithUnchangedDataWritesNoRow() {
        syncAll();
        Map<String, String> before = rowVersions();

        List<SyncRun> second = syncAll();

        assertThat(second).allSatisfy(run -> {
            assertThat(run.status()).isEqualTo(SyncRun.Status.SUCCEEDED);
            assertThat(run.invoicesWritten()).isZero();
            assertThat(run.lineItemsWritten()).isZero();
            assertThat(run.atlasRequests()).isPositive();
        });
        assertThat(rowVersions()).isEqualTo(before);
    }

    @Test
    void changedInvoiceIsReflectedExactlyWithoutDuplicates() {
        syncAll();
        SimulatedOrg org = atlas.org(ORG_A);
        org.addDay();
        org.changeAmounts();

        SyncRun run = sync(ORG_A);

        assertThat(run.status()).isEqualTo(SyncRun.Status.SUCCEEDED);
        assertThat(run.invoicesWritten()).isEqualTo(1);
        JsonNode invoice = org.pendingInvoicesResponse().get("results").get(0);
        assertThat(run.lineItemsWritten()).isEqualTo(invoice.get("lineItems").size());
        stored.assertMatches(invoice);
    }

    @Test
    void closedInvoiceIsFetchedByIdKeptAndMarkedWhileTheNewPendingOneAppears() {
        syncAll();
        SimulatedOrg org = atlas.org(ORG_B);
        String closedId = org.closePendingInvoice();
        atlas.clearRequests();

        SyncRun run = sync(ORG_B);

        assertThat(run.status()).isEqualTo(SyncRun.Status.SUCCEEDED);
        assertThat(atlas.requests())
                .extracting(RecordedRequest::path)
                .contains("/api/atlas/v2/orgs/" + ORG_B + "/invoices/" + closedId);
        stored.assertMatches(org.invoiceResponse(closedId));
        assertThat(jdbc.sql("select status_name from invoices where id = ?")
                        .param(closedId)
                        .query(String.class)
                        .single())
                .isEqualTo("CLOSED");
        String newPending = org.pendingInvoiceId();
        assertThat(newPending).isNotEqualTo(closedId);
        assertThat(pendingIdOf(ORG_B)).isEqualTo(newPending);
        stored.assertMatches(org.pendingInvoicesResponse().get("results").get(0));

        // Once paid, it is fetched one last time and then left alone.
        org.setInvoiceStatus(closedId, "PAID");
        sync(ORG_B);
        assertThat(jdbc.sql("select status_name from invoices where id = ?")
                        .param(closedId)
                        .query(String.class)
                        .single())
                .isEqualTo("PAID");
        atlas.clearRequests();
        sync(ORG_B);
        assertThat(atlas.requests())
                .extracting(RecordedRequest::path)
                .doesNotContain("/api/atlas/v2/orgs/" + ORG_B + "/invoices/" + closedId);
    }

    @Test
    void anInvoiceAtlasNoLongerServesIsKeptAndFlaggedWhileThePendingOneIsStillWritten() {
        syncAll();
        SimulatedOrg org = atlas.org(ORG_C);
        String closedId = org.closePendingInvoice();
        sync(ORG_C);
        Map<String, Object> closedBefore = invoiceRow(closedId);
        org.withdrawInvoice(closedId);
        org.addDay();
        atlas.clearRequests();

        SyncRun run = sync(ORG_C);

        assertThat(run.status()).isEqualTo(SyncRun.Status.PARTIAL);
        assertThat(run.errorCode()).isEqualTo("INVOICE_MISSING_UPSTREAM");
        assertThat(run.errorDetail()).contains(closedId);
        stored.assertMatches(org.pendingInvoicesResponse().get("results").get(0));
        assertThat(pendingIdOf(ORG_C)).isEqualTo(org.pendingInvoiceId());
        Map<String, Object> closedAfter = invoiceRow(closedId);
        assertThat(closedAfter.get("missing_upstream_at"))
                .as("flagged missing upstream")
                .isNotNull();
        closedAfter.remove("missing_upstream_at");
        closedBefore.remove("missing_upstream_at");
        assertThat(closedAfter).as("its data kept").isEqualTo(closedBefore);

        // Flagged once, it is not asked for again: the next run is a plain success.
        atlas.clearRequests();
        SyncRun next = sync(ORG_C);
        assertThat(next.status()).isEqualTo(SyncRun.Status.SUCCEEDED);
        assertThat(atlas.requests())
                .extracting(RecordedRequest::path)
                .doesNotContain("/api/atlas/v2/orgs/" + ORG_C + "/invoices/" + closedId);
    }

    @Test
    void anInvoiceThatFailsToFetchFailsAloneAndIsRecordedOnTheRun() {
        syncAll();
        SimulatedOrg org = atlas.org(ORG_B);
        String closedId = org.closePendingInvoice();
        sync(ORG_B);
        org.setInvoiceStatus(closedId, "INVOICED");
        org.addDay();
        // The pending and list calls succeed; the by-id call of the closed invoice gets a 403 (a permission change
        // upstream).
        atlas.enqueueFault(ORG_B, Fault.delay(Duration.ZERO));
        atlas.enqueueFault(ORG_B, Fault.delay(Duration.ZERO));
        atlas.enqueueFault(ORG_B, Fault.status(403));

        SyncRun run = sync(ORG_B);

        assertThat(run.status()).isEqualTo(SyncRun.Status.PARTIAL);
        assertThat(run.errorDetail()).contains(closedId).contains("403");
        stored.assertMatches(org.pendingInvoicesResponse().get("results").get(0));
        assertThat(invoiceRow(closedId).get("missing_upstream_at"))
                .as("a 403 is no proof it is gone")
                .isNull();

        SyncRun healed = sync(ORG_B);
        assertThat(healed.status()).isEqualTo(SyncRun.Status.SUCCEEDED);
        stored.assertMatches(org.invoiceResponse(closedId));
    }

    @Test
    void aPendingListWithALinkedOrgsInvoiceStoresEachUnderItsOwnOrg() {
        SimulatedOrg org = atlas.org(ORG_A);
        org.pendingListShowsLinkedOrgs(true);
        try {
            SyncRun run = sync(ORG_A);

            assertThat(run.status()).isEqualTo(SyncRun.Status.SUCCEEDED);
            JsonNode results = org.pendingInvoicesResponse().get("results");
            assertThat(results).hasSize(2);
            results.forEach(stored::assertMatches);
            assertThat(pendingIdOf(ORG_A)).isEqualTo(org.pendingInvoiceId());
            assertThat(pendingIdOf(org.linkedOrgId())).isEqualTo(org.linkedPendingInvoiceId());
            assertThat(jdbc.sql("select org_id from invoices where id = ?")
                            .param(org.linkedPendingInvoiceId())
                            .query(String.class)
                            .single())
                    .isEqualTo(org.linkedOrgId());
        } finally {
            org.pendingListShowsLinkedOrgs(false);
        }
    }

    @Test
    void aReplicaThatLostItsLockCannotCommit() throws Exception {
        sync(ORG_A);
        atlas.org(ORG_A).addDay();
        Map<String, String> before = rowVersions();
        // The pending call takes 2 s; meanwhile the lock expires and another replica takes it over.
        atlas.enqueueFault(ORG_A, Fault.delay(Duration.ofSeconds(2)));
        CompletableFuture<SyncRun> running = CompletableFuture.supplyAsync(() -> sync(ORG_A));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> atlas.requests().stream()
                        .anyMatch(r -> r.path().endsWith(ORG_A + "/invoices/pending") && r.completedAt() == null));
        String lock = OrgSyncLock.lockName(ORG_A);
        jdbc.sql("update shedlock set locked_by = 'another-replica', lock_until = timezone('utc', now())"
                        + " + interval '1 minute' where name = ?")
                .param(lock)
                .update();
        try {
            SyncRun run = running.get(60, TimeUnit.SECONDS);

            assertThat(run.status()).isEqualTo(SyncRun.Status.FAILED);
            assertThat(run.errorCode()).isEqualTo("LOCK_LOST");
            assertThat(rowVersions()).as("nothing of the run committed").isEqualTo(before);
            assertThat(jdbc.sql("select locked_by from shedlock where name = ?")
                            .param(lock)
                            .query(String.class)
                            .single())
                    .as("the other replica's lock is left alone")
                    .isEqualTo("another-replica");
        } finally {
            jdbc.sql("update shedlock set lock_until = timezone('utc', now()) - interval '1 second' where name = ?")
                    .param(lock)
                    .update();
        }
        assertThat(sync(ORG_A).status()).as("the next run heals").isEqualTo(SyncRun.Status.SUCCEEDED);
        stored.assertMatches(
                atlas.org(ORG_A).pendingInvoicesResponse().get("results").get(0));
    }

    @Test
    void aManualRunThatCannotBeQueuedIsRecordedAndReleasesTheOrgsLock() {
        ConfiguredOrg org = orgs.find(ORG_A).orElseThrow();

        assertThatThrownBy(() -> orgSync.start(org, SyncRun.Trigger.MANUAL, command -> {
                    throw new RejectedExecutionException("queue full");
                }))
                .isInstanceOf(RejectedExecutionException.class);

        assertThat(jdbc.sql(
                                "select status || ' ' || error_code from sync_runs where org_id = ? order by id desc limit 1")
                        .param(ORG_A)
                        .query(String.class)
                        .single())
                .isEqualTo("FAILED REJECTED");
        assertThat(sync(ORG_A).status()).as("the org's lock was released").isEqualTo(SyncRun.Status.SUCCEEDED);
    }

    @Test
    void aMalformedBodyFailsTheRunAndLeavesNoSpooledFileBehind() throws IOException {
        atlas.org(ORG_A).addDay();
        atlas.enqueueFault(ORG_A, Fault.malformedBody());

        SyncRun run = sync(ORG_A);

        assertThat(run.status()).isEqualTo(SyncRun.Status.FAILED);
        assertThat(run.errorCode()).isEqualTo("MALFORMED_RESPONSE");
        try (Stream<Path> files = Files.walk(SPOOL)) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".body")))
                    .as("spooled bodies")
                    .isEmpty();
        }
        assertThat(sync(ORG_A).status()).isEqualTo(SyncRun.Status.SUCCEEDED);
    }

    @Test
    void failingOrgFailsItsOwnRunOnlyAndTheNextRunHeals() {
        syncAll();
        Map<String, String> before = rowVersions();
        atlas.org(ORG_C).addDay();
        atlas.failAlways(ORG_C, 500);

        Map<String, SyncRun> runs = syncAll().stream().collect(Collectors.toMap(SyncRun::orgId, r -> r));

        assertThat(runs.get(ORG_A).status()).isEqualTo(SyncRun.Status.SUCCEEDED);
        assertThat(runs.get(ORG_B).status()).isEqualTo(SyncRun.Status.SUCCEEDED);
        SyncRun failed = runs.get(ORG_C);
        assertThat(failed.status()).isEqualTo(SyncRun.Status.FAILED);
        assertThat(failed.errorCode()).isNotBlank();
        assertThat(failed.errorDetail()).contains("500").doesNotContain(CLIENT_SECRET);
        assertThat(failed.atlasRequests()).isGreaterThan(1);
        assertThat(rowVersions()).isEqualTo(before);

        atlas.clearFaults(ORG_C);
        SyncRun healed = sync(ORG_C);
        assertThat(healed.status()).isEqualTo(SyncRun.Status.SUCCEEDED);
        stored.assertMatches(
                atlas.org(ORG_C).pendingInvoicesResponse().get("results").get(0));
    }

    @Test
    void waitsForRetryAfterOn429AndSucceeds() {
        atlas.org(ORG_A).addDay();
        atlas.enqueueFault(ORG_A, Fault.tooManyRequests(Duration.ofSeconds(2)));
        atlas.clearRequests();

        SyncRun run = sync(ORG_A);

        assertThat(run.status()).isEqualTo(SyncRun.Status.SUCCEEDED);
        List<RecordedRequest> calls = atlas.requests().stream()
                .filter(r -> r.path().endsWith("/invoices/pending"))
                .toList();
        assertThat(calls).hasSizeGreaterThanOrEqualTo(2);
        assertThat(calls.get(0).status()).isEqualTo(429);
        assertThat(Duration.between(calls.get(0).completedAt(), calls.get(1).receivedAt()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void clientErrorsOtherThan401And429AreNotRetried() {
        atlas.enqueueFault(ORG_A, Fault.status(403));
        atlas.clearRequests();

        SyncRun run = sync(ORG_A);

        assertThat(run.status()).isEqualTo(SyncRun.Status.FAILED);
        assertThat(run.atlasRequests()).isEqualTo(1);
        assertThat(atlas.requests().stream().filter(r -> r.path().startsWith("/api/atlas/v2")))
                .hasSize(1);
    }

    @Test
    void oneTokenServesEveryCallAndAnExpiredTokenIsRefreshedOnce() {
        syncAll();
        int tokens = atlas.tokensIssued();
        atlas.org(ORG_A).addDay();
        syncAll();
        assertThat(atlas.tokensIssued()).as("token reused across runs and orgs").isEqualTo(tokens);

        atlas.revokeAllTokens();
        List<SyncRun> runs = syncAll();

        assertThat(runs).allSatisfy(run -> assertThat(run.status()).isEqualTo(SyncRun.Status.SUCCEEDED));
        assertThat(atlas.tokensIssued()).isEqualTo(tokens + 1);
    }

    private List<SyncRun> syncAll() {
        return orgs.all().stream()
                .map(org -> orgSync.run(org, SyncRun.Trigger.MANUAL, null).orElseThrow())
                .toList();
    }

    private SyncRun sync(String orgId) {
        return orgSync.run(orgs.find(orgId).orElseThrow(), SyncRun.Trigger.MANUAL, null)
                .orElseThrow();
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("invoice-sync-spool-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, Object> invoiceRow(String invoiceId) {
        return new java.util.HashMap<>(jdbc.sql("select * from invoices where id = ?")
                .param(invoiceId)
                .query()
                .singleRow());
    }

    private String pendingIdOf(String orgId) {
        return jdbc.sql("select id from invoices where org_id = ? and is_pending")
                .param(orgId)
                .query(String.class)
                .single();
    }

    /** Every invoice-data row with its PostgreSQL row version: any rewrite changes xmin. */
    private Map<String, String> rowVersions() {
        return jdbc.sql("""
                select 'invoice:' || id as k, xmin::text as v from invoices
                union all select 'line:' || invoice_id || ':' || position, xmin::text from line_items
                union all select 'tag:' || invoice_id || ':' || line_position || ':' || key_position || ':'
                    || value_position, xmin::text from line_item_tags
                union all select 'payment:' || invoice_id || ':' || position, xmin::text from payments
                union all select 'refund:' || invoice_id || ':' || position, xmin::text from refunds
                union all select 'linked:' || invoice_id || ':' || position, xmin::text from linked_invoices
                """).query((rs, n) -> Map.entry(rs.getString(1), rs.getString(2))).list().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
