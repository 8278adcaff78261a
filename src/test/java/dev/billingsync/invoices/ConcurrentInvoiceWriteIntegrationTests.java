package dev.billingsync.invoices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.invoices.InvoiceStore.Outcome;
import dev.billingsync.simulator.AtlasSimulator;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The same invoice can reach two syncs at once: a linked org's invoice is written by its own org's run and by the
 * paying org's run (nested in the paying invoice, or listed in its pending list), and orgs sync in parallel. Two writers
 * of one invoice take turns: the second waits for the first to commit, then sees its copy.
 */
@BillingSyncIntegrationTest(properties = "billing.cost-explorer.enabled=false")
class ConcurrentInvoiceWriteIntegrationTests {

    static final String ORG = "5b0c1a2b3c4d5e6f7a8b9c01";
    static final String INVOICE = "5b1c1a2b3c4d5e6f7a8b9c01";

    @AtlasUnderTest
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static {
        atlas.addOrg(ORG, "Concurrent Org", 12, 1);
    }

    @Autowired
    InvoiceStore store;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    DataSource dataSource;

    @Test
    void twoWritersOfTheSameNewInvoiceTakeTurnsInsteadOfFailing() throws Exception {
        UpstreamInvoice invoice =
                PendingInvoices.november(INVOICE, ORG, Instant.parse("2026-11-02T00:00:00Z"), 100L, 0, "same-content");
        CountDownLatch firstWrote = new CountDownLatch(1);
        CountDownLatch commitFirst = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Outcome> first = threads.submit(() -> transactions.execute(tx -> {
                Outcome outcome = store.write(invoice, consumer -> {}).outcome();
                firstWrote.countDown();
                awaitQuietly(commitFirst);
                return outcome;
            }));
            assertThat(firstWrote.await(30, TimeUnit.SECONDS)).isTrue();
            Future<Outcome> second = threads.submit(() -> transactions.execute(
                    tx -> store.write(invoice, consumer -> {}).outcome()));

            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !second.isDone());
            commitFirst.countDown();

            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(Outcome.INSERTED);
            assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(Outcome.UNCHANGED);
        } finally {
            commitFirst.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void aFailedWriteQuotesNoDataInItsError() throws Exception {
        String marker = "customer-data-0123456789";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "insert into organizations (id, name) values ('5b0c1a2b3c4d5e6f7a8b9c01', ?)")) {
            insert.setString(1, marker);
            insert.addBatch();
            assertThatThrownBy(insert::executeBatch)
                    .isInstanceOf(BatchUpdateException.class)
                    .satisfies(e -> {
                        assertThat(e.getMessage()).doesNotContain(marker).doesNotContain(ORG);
                        assertThat(((BatchUpdateException) e).getNextException().getMessage())
                                .doesNotContain(marker)
                                .doesNotContain(ORG);
                    });
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
