package dev.billingsync.spend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MonthEndForecastTests {

    static final YearMonth MARCH = YearMonth.of(2026, 3);

    @Test
    void averagesTheSevenDaysEndingAtAsOfAndProjectsTheRestOfTheMonth() {
        // Days 1..10 of March: 100, 200, ..., 1000 cents. Window 4..10: 400+...+1000 = 4900 / 7 = 700.
        Map<LocalDate, Long> daily = new java.util.HashMap<>();
        for (int d = 1; d <= 10; d++) {
            daily.put(MARCH.atDay(d), 100L * d);
        }
        MonthEndForecast f = MonthEndForecast.of(MARCH, MARCH.atDay(10), daily);

        assertThat(f.monthToDateCents()).isEqualTo(5500);
        assertThat(f.dailyRunRateCents()).isEqualTo(700);
        assertThat(f.projectedMonthEndCents()).isEqualTo(5500 + 700 * 21);
    }

    @Test
    void countsDaysWithoutLinesAsZero() {
        Map<LocalDate, Long> daily = Map.of(MARCH.atDay(3), 700L, MARCH.atDay(9), 7000L);
        MonthEndForecast f = MonthEndForecast.of(MARCH, MARCH.atDay(9), daily);

        assertThat(f.dailyRunRateCents()).isEqualTo(1100); // days 3..9, five of them without lines: 7700 / 7
        assertThat(f.monthToDateCents()).isEqualTo(7700);
    }

    @Test
    void usesFewerDaysWhileTheMonthIsYounger() {
        Map<LocalDate, Long> daily = Map.of(MARCH.atDay(1), 100L, MARCH.atDay(2), 201L);
        MonthEndForecast f = MonthEndForecast.of(MARCH, MARCH.atDay(2), daily);

        // 301 / 2 = 150.5 -> half-even 150
        assertThat(f.dailyRunRateCents()).isEqualTo(150);
        assertThat(f.projectedMonthEndCents()).isEqualTo(301 + 150 * 29);
    }

    @Test
    void roundsHalfToEven() {
        assertThat(MonthEndForecast.of(MARCH, MARCH.atDay(2), Map.of(MARCH.atDay(1), 1L, MARCH.atDay(2), 2L))
                        .dailyRunRateCents())
                .isEqualTo(2); // 1.5 -> 2
        assertThat(MonthEndForecast.of(MARCH, MARCH.atDay(2), Map.of(MARCH.atDay(1), 2L, MARCH.atDay(2), 3L))
                        .dailyRunRateCents())
                .isEqualTo(2); // 2.5 -> 2
        assertThat(MonthEndForecast.of(MARCH, MARCH.atDay(2), Map.of(MARCH.atDay(1), -2L, MARCH.atDay(2), -3L))
                        .dailyRunRateCents())
                .isEqualTo(-2); // credits: -2.5 -> -2
    }

    @Test
    void projectsNothingMoreOnTheLastDay() {
        MonthEndForecast f = MonthEndForecast.of(MARCH, MARCH.atDay(31), Map.of(MARCH.atDay(31), 999L));

        assertThat(f.dailyRunRateCents()).isEqualTo(143); // 999 / 7 = 142.71
        assertThat(f.projectedMonthEndCents()).isEqualTo(999);
    }
}
