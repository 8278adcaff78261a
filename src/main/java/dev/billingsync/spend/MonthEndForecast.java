package dev.billingsync.spend;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The month-end projection of an org's pending invoice, in exact integer cents: the daily run rate is the mean daily
 * total over the 7 usage days ending at {@code asOf} (fewer when the month is younger; a day without lines counts as
 * 0), rounded half-even to a cent, and the projection adds it once for every day of the month after {@code asOf}.
 */
record MonthEndForecast(
        YearMonth month, LocalDate asOf, long monthToDateCents, long dailyRunRateCents, long projectedMonthEndCents) {

    static final int RUN_RATE_DAYS = 7;

    /**
     * @param dailyTotals cents per usage day; days after {@code asOf} do not count
     */
    static MonthEndForecast of(YearMonth month, LocalDate asOf, Map<LocalDate, Long> dailyTotals) {
        LocalDate windowStart = asOf.minusDays(RUN_RATE_DAYS - 1);
        if (windowStart.isBefore(month.atDay(1)) && !asOf.isBefore(month.atDay(1))) {
            windowStart = month.atDay(1);
        }
        long windowDays = ChronoUnit.DAYS.between(windowStart, asOf) + 1;
        long monthToDate = 0;
        long window = 0;
        for (Map.Entry<LocalDate, Long> day : dailyTotals.entrySet()) {
            if (day.getKey().isAfter(asOf)) {
                continue;
            }
            monthToDate = Math.addExact(monthToDate, day.getValue());
            if (!day.getKey().isBefore(windowStart)) {
                window = Math.addExact(window, day.getValue());
            }
        }
        long rate = BigDecimal.valueOf(window)
                .divide(BigDecimal.valueOf(windowDays), 0, RoundingMode.HALF_EVEN)
                .longValueExact();
        long daysAfter =
                Math.max(0, Math.min(month.lengthOfMonth(), ChronoUnit.DAYS.between(asOf, month.atEndOfMonth())));
        long projected = Math.addExact(monthToDate, Math.multiplyExact(rate, daysAfter));
        return new MonthEndForecast(month, asOf, monthToDate, rate, projected);
    }
}
