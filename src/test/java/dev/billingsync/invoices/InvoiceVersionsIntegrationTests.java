package dev.billingsync.invoices;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.sync.ManualRun;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The versions a kept response body is filed under ({@link InvoiceVersions}): they change with any write to an invoice
 * shown, the linked invoices it nests included, and inside a snapshot they are the snapshot's own, so a body written
 * from a snapshot is never filed under a later commit's version.
 */
@BillingSyncIntegrationTest(properties = "billing.cost-explorer.enabled=false")
class InvoiceVersionsIntegrationTests {

    static final String ORG = "7c0c1a2b3c4d5e6f7a8b9c01";

    @AtlasUnderTest
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static {
        atlas.addOrg(ORG, "Versioned Org", 31, 2, 3);
    }

    @Autowired
    ApplicationContext context;

    @Autowired
    InvoiceVersions versions;

    @Autowired
    InvoiceQueries queries;

    @Autowired
    JdbcTemplate jdbc;

    String pending;
    String linked;

    @BeforeEach
    void sync() {
        assertThat(ManualRun.of(context, ORG).status()).isEqualTo("SUCCEEDED");
        pending = atlas.org(ORG).pendingInvoiceId();
        linked = atlas.org(ORG).linkedPendingInvoiceId();
    }

    @Test
    void aVersionNamesEveryInvoiceShownAndChangesWithAnyWriteToOne() {
        String invoice = versions.ofInvoice(ORG, pending);
        String pendingList = versions.ofPending(ORG);
        String lines = versions.ofLineItems(ORG, pending);
        assertThat(invoice).contains(pending + "@").contains(linked + "@").isEqualTo(pendingList);
        assertThat(lines).isNotEmpty().doesNotContain(",");

        touch(linked);

        assertThat(versions.ofInvoice(ORG, pending)).isNotEqualTo(invoice);
        assertThat(versions.ofPending(ORG)).isNotEqualTo(pendingList);
        assertThat(versions.ofLineItems(ORG, pending))
                .as("the paying invoice's lines do not depend on the linked invoice")
                .isEqualTo(lines);

        touch(pending);

        assertThat(versions.ofLineItems(ORG, pending)).isNotEqualTo(lines);
    }

    @Test
    void insideASnapshotTheVersionIsTheSnapshots() {
        String[] read = new String[2];
        queries.inSnapshot(() -> {
            read[0] = versions.ofInvoice(ORG, pending);
            CompletableFuture.runAsync(() -> touch(pending)).join();
            read[1] = versions.ofInvoice(ORG, pending);
            return null;
        });

        assertThat(read[1]).isEqualTo(read[0]);
        assertThat(versions.ofInvoice(ORG, pending)).isNotEqualTo(read[0]);
    }

    @Test
    void anInvoiceTheOrgDoesNotHaveHasNoVersion() {
        assertThat(versions.ofInvoice(ORG, "000000000000000000000000")).isEmpty();
        assertThat(versions.ofLineItems(ORG, "000000000000000000000000")).isEmpty();
        assertThat(versions.ofInvoice("7c0c1a2b3c4d5e6f7a8b9cff", pending)).isEmpty();
        assertThat(versions.ofPending("7c0c1a2b3c4d5e6f7a8b9cff")).isEmpty();
    }

    /** A write that changes nothing but the row's version, as every write of an invoice does at least. */
    private void touch(String invoiceId) {
        assertThat(jdbc.update("update invoices set org_id = org_id where id = ?", invoiceId))
                .isEqualTo(1);
    }
}
