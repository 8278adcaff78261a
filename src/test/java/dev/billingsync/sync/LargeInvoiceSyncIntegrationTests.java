package dev.billingsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.simulator.AtlasSimulator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A 100,000-line pending invoice (tens of MB of JSON) syncs with WebClient's default 256 KB in-memory limit in place:
 * the body streams to disk and is parsed and loaded as a stream.
 */
@BillingSyncIntegrationTest(
        properties = {
            "billing.cost-explorer.enabled=false",
            // the pending invoice alone: its closed months would be 150,000 lines each
            "billing.sync.history-months=0"
        })
class LargeInvoiceSyncIntegrationTests {

    static final String ORG = "7b0c1a2b3c4d5e6f7a8b9c01";

    @AtlasUnderTest
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static {
        atlas.addOrg(ORG, "Big Spender", 42, 5_000, 20);
    }

    @Autowired
    OrgSync orgSync;

    @Autowired
    OrgCredentials orgs;

    @Autowired
    JdbcClient jdbc;

    @Test
    void syncsAHundredThousandLineInvoiceAsAStream() {
        String pendingId = atlas.org(ORG).pendingInvoiceId();
        int lines = atlas.org(ORG).lineItemCount(pendingId);
        assertThat(lines).isGreaterThanOrEqualTo(100_000);
        assertThat(atlas.org(ORG).pendingInvoicesResponseBytes().length).isGreaterThan(10 * 1024 * 1024);

        SyncRun run =
                orgSync.run(orgs.all().get(0), SyncRun.Trigger.MANUAL, null).orElseThrow();

        assertThat(run.status()).isEqualTo(SyncRun.Status.SUCCEEDED);
        assertThat(run.lineItemsWritten()).isEqualTo(atlas.org(ORG).pendingLineItemsWithLinked());
        assertThat(jdbc.sql("select count(*) from line_items where invoice_id = ?")
                        .param(pendingId)
                        .query(Integer.class)
                        .single())
                .isEqualTo(lines);
        assertThat(jdbc.sql("select sum(total_price_cents) from line_items where invoice_id = ?")
                        .param(pendingId)
                        .query(Long.class)
                        .single())
                .isEqualTo(sumOfLineTotals(pendingId));

        SyncRun again =
                orgSync.run(orgs.all().get(0), SyncRun.Trigger.MANUAL, null).orElseThrow();
        assertThat(again.status()).isEqualTo(SyncRun.Status.SUCCEEDED);
        assertThat(again.lineItemsWritten()).isZero();
    }

    private long sumOfLineTotals(String invoiceId) {
        long sum = 0;
        for (var line : atlas.org(ORG).invoiceResponse(invoiceId).get("lineItems")) {
            sum += line.get("totalPriceCents").longValue();
        }
        return sum;
    }
}
