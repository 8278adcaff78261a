package dev.billingsync.invoices;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.invoices.InvoiceStore.Outcome;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The write decision of an invoice: what an upstream copy does to the stored one. */
class InvoiceTests {

    static final Instant FIRST_STORED = Instant.parse("2026-11-01T00:00:00Z");
    static final Instant LATER = Instant.parse("2026-11-02T00:00:00Z");
    static final Instant UPDATED = Instant.parse("2026-10-31T12:00:00Z");

    @Test
    void storesAFirstCopyAsReceived() {
        Invoice invoice = Invoice.first(upstream("a", UPDATED, 100L), FIRST_STORED);

        assertThat(invoice.id()).isEqualTo("6543210fedcba9876543210f");
        assertThat(invoice.orgId()).isEqualTo("0123456789abcdef01234567");
        assertThat(invoice.contentSha256()).isEqualTo("a");
        assertThat(invoice.header().updated()).isEqualTo(UPDATED);
        assertThat(invoice.header().amounts().amountBilledCents()).isEqualTo(100L);
        assertThat(invoice.firstStoredAt()).isEqualTo(FIRST_STORED);
        assertThat(invoice.contentChangedAt()).isEqualTo(FIRST_STORED);
        assertThat(invoice.missingUpstreamAt()).isNull();
    }

    @Test
    void skipsUnchangedContent() {
        Invoice invoice = Invoice.first(upstream("a", UPDATED, 100L), FIRST_STORED);

        assertThat(invoice.receive(upstream("a", UPDATED.plusSeconds(60), 100L), LATER))
                .isEqualTo(Outcome.UNCHANGED);
        assertThat(invoice.header().updated()).isEqualTo(UPDATED);
        assertThat(invoice.contentChangedAt()).isEqualTo(FIRST_STORED);
    }

    @Test
    void skipsOlderSnapshot() {
        Invoice invoice = Invoice.first(upstream("a", UPDATED, 100L), FIRST_STORED);

        assertThat(invoice.receive(upstream("b", UPDATED.minusSeconds(1), 50L), LATER))
                .isEqualTo(Outcome.STALE);
        assertThat(invoice.contentSha256()).isEqualTo("a");
        assertThat(invoice.header().amounts().amountBilledCents()).isEqualTo(100L);
        assertThat(invoice.contentChangedAt()).isEqualTo(FIRST_STORED);
    }

    @Test
    void takesNewerContent() {
        Invoice invoice = Invoice.first(upstream("a", UPDATED, 100L), FIRST_STORED);

        assertThat(invoice.receive(upstream("b", UPDATED.plusSeconds(1), 150L), LATER))
                .isEqualTo(Outcome.UPDATED);
        assertThat(invoice.contentSha256()).isEqualTo("b");
        assertThat(invoice.header().amounts().amountBilledCents()).isEqualTo(150L);
        assertThat(invoice.firstStoredAt()).isEqualTo(FIRST_STORED);
        assertThat(invoice.contentChangedAt()).isEqualTo(LATER);
    }

    @Test
    void takesChangedContentUpdatedAtTheSameMoment() {
        Invoice invoice = Invoice.first(upstream("a", UPDATED, 100L), FIRST_STORED);

        assertThat(invoice.receive(upstream("b", UPDATED, 150L), LATER)).isEqualTo(Outcome.UPDATED);
    }

    @Test
    void takesChangedContentWhenEitherSideHasNoUpdatedTime() {
        Invoice undated = Invoice.first(upstream("a", null, 100L), FIRST_STORED);
        assertThat(undated.receive(upstream("b", UPDATED, 150L), LATER)).isEqualTo(Outcome.UPDATED);

        Invoice dated = Invoice.first(upstream("a", UPDATED, 100L), FIRST_STORED);
        assertThat(dated.receive(upstream("b", null, 150L), LATER)).isEqualTo(Outcome.UPDATED);
        assertThat(dated.header().updated()).isNull();
    }

    @Test
    void readsAllAbsentAmountsAsNone() {
        Invoice invoice = Invoice.first(
                new UpstreamInvoice(
                        "6543210fedcba9876543210f",
                        "0123456789abcdef01234567",
                        new InvoiceHeader(null, null, null, null, null, InvoiceAmounts.NONE),
                        List.of(),
                        List.of(),
                        List.of(),
                        0,
                        "a",
                        "{}"),
                FIRST_STORED);

        assertThat(invoice.header().amounts()).isEqualTo(new InvoiceAmounts(null, null, null, null, null, null));
    }

    private static UpstreamInvoice upstream(String sha256, @Nullable Instant updated, long billedCents) {
        return new UpstreamInvoice(
                "6543210fedcba9876543210f",
                "0123456789abcdef01234567",
                new InvoiceHeader(
                        "PENDING",
                        Instant.parse("2026-10-01T00:00:00Z"),
                        Instant.parse("2026-11-01T00:00:00Z"),
                        Instant.parse("2026-10-01T00:00:00Z"),
                        updated,
                        new InvoiceAmounts(billedCents, 0L, 0L, 0L, 0L, billedCents)),
                List.of(),
                List.of(),
                List.of(),
                2,
                sha256,
                "{\"id\":\"6543210fedcba9876543210f\"}");
    }
}
