package dev.billingsync.spend;

import dev.billingsync.web.ApiException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/** The month-end forecast of an org's pending invoice, whole and per project, from one snapshot. */
@Component
class Forecasts {

    private final SpendQueries queries;

    Forecasts(SpendQueries queries) {
        this.queries = queries;
    }

    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    ForecastResponse forecast(String orgId, boolean byProject) {
        SpendQueries.PendingInvoice invoice = queries.pendingInvoice(orgId)
                .orElseThrow(() -> ApiException.notFound(
                        "PENDING_INVOICE_NOT_FOUND",
                        "Organization " + orgId + " has no pending invoice to forecast.",
                        orgId));
        List<SpendQueries.DailyTotal> days = queries.dailyTotals(invoice.id());
        @Nullable
        LocalDate asOf = days.stream()
                .map(SpendQueries.DailyTotal::day)
                .max(Comparator.naturalOrder())
                .orElse(null);
        YearMonth month = invoice.startDate() != null
                ? YearMonth.from(invoice.startDate().atZone(ZoneOffset.UTC))
                : asOf != null ? YearMonth.from(asOf) : null;
        if (month == null) {
            throw ApiException.notFound(
                    "PENDING_INVOICE_NOT_FOUND",
                    "The pending invoice of organization " + orgId + " has no billing period yet.",
                    orgId);
        }
        MonthEndForecast whole = forecast(month, asOf, days);
        List<ForecastResponse.ProjectForecast> projects = null;
        if (byProject) {
            Map<@Nullable String, List<SpendQueries.DailyTotal>> byGroup = new LinkedHashMap<>();
            Map<@Nullable String, @Nullable String> names = new HashMap<>();
            for (SpendQueries.DailyTotal day : days) {
                byGroup.computeIfAbsent(day.groupId(), k -> new ArrayList<>()).add(day);
                names.merge(
                        day.groupId(),
                        day.groupName() == null ? "" : day.groupName(),
                        (a, b) -> TagValues.BYTE_ORDER.compare(a, b) >= 0 ? a : b);
            }
            projects = byGroup.entrySet().stream()
                    .map(group -> {
                        MonthEndForecast f = forecast(month, asOf, group.getValue());
                        String name = names.get(group.getKey());
                        return new ForecastResponse.ProjectForecast(
                                group.getKey(),
                                name == null || name.isEmpty() ? null : name,
                                projection(orgId, invoice.id(), month, asOf, f));
                    })
                    .sorted(Comparator.comparingLong((ForecastResponse.ProjectForecast p) ->
                                    p.projection().projectedMonthEndCents())
                            .reversed()
                            .thenComparing(
                                    ForecastResponse.ProjectForecast::groupId,
                                    Comparator.nullsLast(TagValues.BYTE_ORDER)))
                    .toList();
        }
        return new ForecastResponse(projection(orgId, invoice.id(), month, asOf, whole), projects);
    }

    private static ForecastResponse.Projection projection(
            String orgId, String invoiceId, YearMonth month, @Nullable LocalDate asOf, MonthEndForecast f) {
        return new ForecastResponse.Projection(
                orgId,
                invoiceId,
                month.toString(),
                asOf,
                month.lengthOfMonth(),
                f.monthToDateCents(),
                f.dailyRunRateCents(),
                f.projectedMonthEndCents());
    }

    private static MonthEndForecast forecast(
            YearMonth month, @Nullable LocalDate asOf, List<SpendQueries.DailyTotal> days) {
        if (asOf == null) {
            return new MonthEndForecast(month, month.atDay(1), 0, 0, 0);
        }
        Map<LocalDate, Long> daily = new HashMap<>();
        for (SpendQueries.DailyTotal day : days) {
            daily.merge(Objects.requireNonNull(day.day()), day.totalPriceCents(), Math::addExact);
        }
        return MonthEndForecast.of(month, asOf, daily);
    }
}
