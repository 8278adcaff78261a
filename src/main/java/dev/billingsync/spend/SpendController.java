package dev.billingsync.spend;

import dev.billingsync.orgs.Orgs;
import dev.billingsync.web.ApiException;
import dev.billingsync.web.AtlasId;
import dev.billingsync.web.PageRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** Spend sums, the month-end forecast and the FOCUS 1.3 export, for the orgs a caller may read. */
@RestController
@Tag(name = "Spend", description = "Spend sums, month-end forecast and FOCUS 1.3 export over stored line items")
class SpendController {

    static final String TEXT_CSV = "text/csv";
    static final int MAX_MONTHS = 36;
    private static final Pattern ORG_ID = Pattern.compile("^[a-f0-9]{24}$");
    private static final Pattern MONTH = Pattern.compile("^\\d{4}-\\d{2}$");

    private final SpendQueries queries;
    private final Orgs known;
    private final Forecasts forecasts;
    private final SpendExports exports;
    private final Clock clock;

    SpendController(SpendQueries queries, Orgs known, Forecasts forecasts, SpendExports exports, Clock clock) {
        this.queries = queries;
        this.known = known;
        this.forecasts = forecasts;
        this.exports = exports;
        this.clock = clock;
    }

    @GetMapping(value = "/api/v1/spend", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Spend sums grouped by 1 to 3 keys, in exact cents, with totals over all rows;"
                    + " Accept: text/csv streams every row")
    @ApiResponse(
            responseCode = "200",
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON_VALUE,
                        schema = @Schema(implementation = SpendPageDoc.class)),
                @Content(mediaType = TEXT_CSV, schema = @Schema(type = "string"))
            })
    SpendPage spend(@ParameterObject SpendFilter filter, PageRequest page) {
        SpendQueries.SpendQuery query = query(filter);
        return SpendPage.of(page, query.orgIds().isEmpty() ? SpendQueries.Result.EMPTY : queries.page(query, page));
    }

    @GetMapping(value = "/api/v1/spend", produces = TEXT_CSV)
    @Operation(hidden = true)
    ResponseEntity<StreamingResponseBody> spendCsv(@ParameterObject SpendFilter filter) {
        SpendQueries.SpendQuery query = query(filter);
        return csv(exports.spend(query), "spend-" + query.startDate() + "-" + query.endDate() + ".csv");
    }

    @GetMapping("/api/v1/orgs/{orgId}/spend/forecast")
    @Operation(summary = "Month-end projection of the org's pending invoice from its 7-day run rate")
    ForecastResponse forecast(
            @PathVariable @AtlasId String orgId,
            @Parameter(description = "groupId adds one projection per project in results")
                    @RequestParam(required = false)
                    @Nullable
                    String groupBy) {
        known.requireVisible(orgId);
        if (groupBy != null && !groupBy.isEmpty() && !"groupId".equals(groupBy)) {
            throw ApiException.invalidParameter("groupBy", "must be groupId");
        }
        return forecasts.forecast(orgId, "groupId".equals(groupBy));
    }

    @GetMapping(
            value = "/api/v1/focus",
            produces = {TEXT_CSV, MediaType.ALL_VALUE})
    @Operation(
            summary = "FOCUS 1.3 Cost and Usage CSV of the invoices whose billing period starts in a month,"
                    + " one row per line item")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = TEXT_CSV, schema = @Schema(type = "string")))
    ResponseEntity<StreamingResponseBody> focus(@ParameterObject FocusFilter filter) {
        YearMonth month = month(filter.billingPeriod());
        Set<String> orgs = orgs(filter.orgId());
        return csv(exports.focus(orgs, month), "focus-1.3-" + month + ".csv");
    }

    private SpendQueries.SpendQuery query(SpendFilter filter) {
        List<SpendKey> keys = SpendKey.parse(filter.groupBy());
        LocalDate startDate = filter.startDate();
        LocalDate endDate = filter.endDate();
        LocalDate start;
        LocalDate end;
        if (startDate == null && endDate == null) {
            start = YearMonth.now(clock).atDay(1);
            end = start.plusMonths(1);
        } else if (endDate == null) {
            start = startDate;
            end = startDate.plusMonths(1);
        } else {
            end = endDate;
            start = startDate != null ? startDate : endDate.minusMonths(1);
        }
        if (!end.isAfter(start)) {
            throw ApiException.invalidParameter("endDate", "must be after startDate (" + start + ")");
        }
        if (end.isAfter(start.plusMonths(MAX_MONTHS))) {
            throw ApiException.invalidParameter(
                    "endDate", "must be at most " + MAX_MONTHS + " months after startDate (" + start + ")");
        }
        return new SpendQueries.SpendQuery(orgs(filter.orgId()), start, end, keys);
    }

    /** The orgs asked for (each one readable, else 403), or every stored org the caller may read. */
    private Set<String> orgs(@Nullable Collection<String> orgId) {
        if (orgId == null || orgId.isEmpty()) {
            return known.visible();
        }
        Set<String> orgs = new LinkedHashSet<>();
        for (String id : orgId) {
            if (!ORG_ID.matcher(id).matches()) {
                throw ApiException.invalidParameter("orgId", "must be 24 lower-case hexadecimal digits");
            }
            orgs.add(id);
        }
        known.requireVisible(orgs);
        return orgs;
    }

    private static YearMonth month(@Nullable String billingPeriod) {
        if (billingPeriod == null || !MONTH.matcher(billingPeriod).matches()) {
            throw ApiException.invalidParameter("billingPeriod", "must be a month, YYYY-MM");
        }
        try {
            return YearMonth.parse(billingPeriod);
        } catch (DateTimeParseException e) {
            throw ApiException.invalidParameter("billingPeriod", "must be a month, YYYY-MM");
        }
    }

    private static ResponseEntity<StreamingResponseBody> csv(StreamingResponseBody body, String filename) {
        return ResponseEntity.ok()
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + "\"")
                .body(body);
    }

    /** The documented shape of the spend list (rows are objects whose key fields follow groupBy). */
    record SpendPageDoc(
            List<dev.billingsync.web.Link> links,
            List<Object> results,
            @Nullable Long totalCount,
            SpendTotals totals) {}
}
