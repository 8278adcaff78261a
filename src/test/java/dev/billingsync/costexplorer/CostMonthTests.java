package dev.billingsync.costexplorer;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class CostMonthTests {

    static final LocalDate MARCH = LocalDate.of(2026, 3, 1);
    static final CostMonthId ID = new CostMonthId("5a0c1a2b3c4d5e6f7a8b9c01", "projects", MARCH);
    static final Instant FIRST = Instant.parse("2026-03-05T06:00:00Z");
    static final Instant LATER = Instant.parse("2026-03-06T06:00:00Z");

    static final UpstreamUsageRow PROJECT_A = new UpstreamUsageRow(
            MARCH,
            "5a0c1a2b3c4d5e6f7a8b9c01",
            "Project A",
            "66a1b2c3d4e5f6a7b8c9d0e1",
            "Atlas",
            new BigDecimal("12.3400"));
    static final UpstreamUsageRow NO_DIMENSION =
            new UpstreamUsageRow(MARCH, null, null, null, null, new BigDecimal("0.01"));

    @Test
    void hashesAsTheStoredMonthsWereHashed() {
        // Values computed by the JDBC store this entity replaced: a different hash would rewrite every month once.
        assertThat(CostMonth.contentHash(List.of()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(CostMonth.contentHash(List.of(PROJECT_A, NO_DIMENSION)))
                .isEqualTo("310693488ad167cbb19fe8a250625cb49a6762865b892def2462546f9b47095c");
    }

    @Test
    void hashesFieldBoundariesApart() {
        UpstreamUsageRow ab = new UpstreamUsageRow(MARCH, "ab", "c", null, null, BigDecimal.ONE);
        UpstreamUsageRow a = new UpstreamUsageRow(MARCH, "a", "bc", null, null, BigDecimal.ONE);

        assertThat(CostMonth.contentHash(List.of(ab))).isNotEqualTo(CostMonth.contentHash(List.of(a)));
    }

    @Test
    void hashesAMissingFieldApartFromAnEmptyOne() {
        UpstreamUsageRow missing = new UpstreamUsageRow(MARCH, null, "x", null, null, BigDecimal.ONE);
        UpstreamUsageRow empty = new UpstreamUsageRow(MARCH, "", "x", null, null, BigDecimal.ONE);

        assertThat(CostMonth.contentHash(List.of(missing))).isNotEqualTo(CostMonth.contentHash(List.of(empty)));
    }

    @Test
    void hashesTheAmountAsAtlasWroteIt() {
        UpstreamUsageRow rescaled = new UpstreamUsageRow(
                MARCH,
                PROJECT_A.dimensionId(),
                PROJECT_A.dimensionName(),
                PROJECT_A.invoiceId(),
                PROJECT_A.service(),
                new BigDecimal("12.34"));

        assertThat(CostMonth.contentHash(List.of(rescaled))).isNotEqualTo(CostMonth.contentHash(List.of(PROJECT_A)));
    }

    @Test
    void storesANewMonthWithItsHashAndQuery() {
        CostMonth month = CostMonth.of(ID, List.of(PROJECT_A, NO_DIMENSION), 7, FIRST);

        assertThat(month.contentSha256()).isEqualTo(CostMonth.contentHash(List.of(PROJECT_A, NO_DIMENSION)));
        assertThat(month.rowCount()).isEqualTo(2);
        assertThat(month.queryId()).isEqualTo(7);
        assertThat(month.replacedAt()).isEqualTo(FIRST);
    }

    @Test
    void keepsAnUnchangedMonthAsItWas() {
        CostMonth month = CostMonth.of(ID, List.of(PROJECT_A, NO_DIMENSION), 7, FIRST);

        assertThat(month.replaceWith(List.of(PROJECT_A, NO_DIMENSION), 8, LATER))
                .isFalse();
        assertThat(month.queryId()).isEqualTo(7);
        assertThat(month.replacedAt()).isEqualTo(FIRST);
    }

    @Test
    void replacesAMonthWhoseRowsChanged() {
        CostMonth month = CostMonth.of(ID, List.of(PROJECT_A, NO_DIMENSION), 7, FIRST);

        assertThat(month.replaceWith(List.of(PROJECT_A), 8, LATER)).isTrue();
        assertThat(month.contentSha256()).isEqualTo(CostMonth.contentHash(List.of(PROJECT_A)));
        assertThat(month.rowCount()).isEqualTo(1);
        assertThat(month.queryId()).isEqualTo(8);
        assertThat(month.replacedAt()).isEqualTo(LATER);
    }

    @Test
    void treatsReorderedRowsAsAChange() {
        CostMonth month = CostMonth.of(ID, List.of(PROJECT_A, NO_DIMENSION), 7, FIRST);

        assertThat(month.replaceWith(List.of(NO_DIMENSION, PROJECT_A), 8, LATER))
                .isTrue();
    }

    @Test
    void replacesAMonthWhoseUsageWentAway() {
        CostMonth month = CostMonth.of(ID, List.of(PROJECT_A), 7, FIRST);

        assertThat(month.replaceWith(List.of(), 8, LATER)).isTrue();
        assertThat(month.rowCount()).isZero();
        assertThat(month.entries(List.of())).isEmpty();
    }

    @Test
    void numbersTheMonthsRowsInUpstreamOrder() {
        CostMonth month = CostMonth.of(ID, List.of(PROJECT_A, NO_DIMENSION), 7, FIRST);

        List<CostEntry> entries = month.entries(List.of(PROJECT_A, NO_DIMENSION));

        assertThat(entries)
                .extracting(CostEntry::id)
                .containsExactly(
                        new CostEntryId(ID.orgId(), "projects", MARCH, 0),
                        new CostEntryId(ID.orgId(), "projects", MARCH, 1));
        assertThat(entries)
                .extracting(CostEntry::usageAmount)
                .containsExactly(new BigDecimal("12.3400"), new BigDecimal("0.01"));
    }
}
