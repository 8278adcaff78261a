package dev.billingsync.invoices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.simulator.AtlasSimulator;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tags keep what a foreign key to their invoice promised, checked per statement since V10 (a per-row check was two
 * thirds of a large invoice's tag COPY): a tag never names an invoice that is not stored, deleting an invoice deletes
 * its tags, and a delete racing with a write of tags waits for it instead of leaving tags behind.
 */
@BillingSyncIntegrationTest(properties = "billing.cost-explorer.enabled=false")
class TagIntegrityIntegrationTests {

    static final String ORG = "5c0c1a2b3c4d5e6f7a8b9c01";
    static final String UNSTORED = "5c9c1a2b3c4d5e6f7a8b9c99";

    @AtlasUnderTest
    static final AtlasSimulator atlas = AtlasSimulator.start();

    @Autowired
    InvoiceStore store;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Test
    void theSyncsCopyOfTagsStoresThemForItsInvoice() {
        String invoice = storeTaggedInvoice("5c1c1a2b3c4d5e6f7a8b9c01", 3);

        assertThat(tagsOf(invoice)).isEqualTo(3 * 3);
    }

    @Test
    void aTagOfAnInvoiceThatIsNotStoredIsRefusedWithoutQuotingIt() throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("insert into line_item_tags"
                            + " (invoice_id, line_position, key_position, value_position, key, value)"
                            + " values ('" + UNSTORED + "', 0, 0, 0, 'team', 'billing')"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("23503");
                        assertThat(e.getMessage()).doesNotContain(UNSTORED).doesNotContain("billing");
                    });
        }
        String invoice = storeTaggedInvoice("5c2c1a2b3c4d5e6f7a8b9c01", 1);
        assertThatThrownBy(() -> jdbc.sql("update line_item_tags set invoice_id = ? where invoice_id = ?")
                        .params(UNSTORED, invoice)
                        .update())
                .hasRootCauseInstanceOf(SQLException.class)
                .rootCause()
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23503"));
        assertThat(tagsOf(invoice)).isEqualTo(3);
    }

    @Test
    void deletingAnInvoiceDeletesItsTagsAndNoOthers() {
        String deleted = storeTaggedInvoice("5c3c1a2b3c4d5e6f7a8b9c01", 2);
        String kept = storeTaggedInvoice("5c4c1a2b3c4d5e6f7a8b9c01", 2);

        jdbc.sql("delete from invoices where id = ?").param(deleted).update();

        assertThat(tagsOf(deleted)).isZero();
        assertThat(tagsOf(kept)).isEqualTo(2 * 3);
    }

    @Test
    void aDeleteOfAnInvoiceWaitsForTagsBeingWrittenAndDeletesThemToo() throws Exception {
        String invoice = storeTaggedInvoice("5c5c1a2b3c4d5e6f7a8b9c01", 1);
        try (Connection writer = dataSource.getConnection();
                Statement s = writer.createStatement()) {
            writer.setAutoCommit(false);
            s.execute("insert into line_item_tags (invoice_id, line_position, key_position, value_position, key, value)"
                    + " values ('" + invoice + "', 0, 5, 0, 'late', 'tag')");

            CompletableFuture<Integer> delete = CompletableFuture.supplyAsync(() ->
                    jdbc.sql("delete from invoices where id = ?").param(invoice).update());
            assertThatThrownBy(() -> delete.get(1, TimeUnit.SECONDS))
                    .as("the delete waits for the transaction writing tags of the invoice")
                    .isInstanceOf(TimeoutException.class);

            writer.commit();
            assertThat(delete.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(tagsOf(invoice)).as("no tag outlives its invoice").isZero();
    }

    /** Stores an invoice of {@code lines} lines, each with three tag values under two keys; returns its id. */
    private String storeTaggedInvoice(String invoiceId, int lines) {
        UpstreamInvoice invoice = PendingInvoices.november(
                invoiceId, ORG, Instant.parse("2026-11-02T00:00:00Z"), 100L, lines, "content-of-" + invoiceId);
        Map<String, List<String>> tags = new LinkedHashMap<>();
        tags.put("team", List.of("billing", "finance"));
        tags.put("env", List.of("prod"));
        transactions.executeWithoutResult(tx -> {
            jdbc.sql("insert into organizations (id, name) values (?, 'Tag Org') on conflict do nothing")
                    .param(ORG)
                    .update();
            store.write(invoice, consumer -> {
                for (int position = 0; position < lines; position++) {
                    consumer.accept(new UpstreamLineItem(
                            position,
                            new InvoiceLineItem(
                                    null, null, null, null, null, null, "SKU", null, null, null, 1L, null, null, null,
                                    null, null, null, null, tags)));
                }
            });
        });
        return invoiceId;
    }

    private long tagsOf(String invoiceId) {
        return jdbc.sql("select count(*) from line_item_tags where invoice_id = ?")
                .param(invoiceId)
                .query(Long.class)
                .single();
    }
}
