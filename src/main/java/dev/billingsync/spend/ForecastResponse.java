package dev.billingsync.spend;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.LocalDate;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The month-end projection of an org's pending invoice from its 7-day run rate ({@link MonthEndForecast}).
 * {@code asOf} is absent while the invoice has no line item with a usage date; every sum is then 0.
 *
 * @param month the month the invoice's billing period starts in, {@code YYYY-MM}
 * @param results with {@code groupBy=groupId}: one projection per project, highest first
 */
record ForecastResponse(
        @JsonUnwrapped Projection projection, @Nullable List<ProjectForecast> results) {

    /** The month-end projection of the invoice, or of one project's lines of it. */
    record Projection(
            String orgId,
            String invoiceId,
            String month,
            @Nullable LocalDate asOf,
            int daysInMonth,
            long monthToDateCents,
            long dailyRunRateCents,
            long projectedMonthEndCents) {}

    /** One project's projection, on the invoice's {@code asOf}; lines without a project have {@code groupId} null. */
    record ProjectForecast(
            @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable
            String groupId,

            @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable
            String groupName,

            @JsonUnwrapped Projection projection) {}
}
