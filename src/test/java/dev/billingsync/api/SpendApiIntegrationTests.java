package dev.billingsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.TestApiKey;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.sync.ManualRun;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Spend, forecast and FOCUS over real HTTP, checked against the test's own arithmetic on the simulator's invoice JSON
 * (the lines Atlas served), never against the service's own SQL.
 */
@BillingSyncIntegrationTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "billing.cost-explorer.enabled=false")
@TestApiKey(name = "reader", key = SpendApiIntegrationTests.READER, roles = "READ")
@TestApiKey(
        name = "reader-a",
        key = SpendApiIntegrationTests.READER_A,
        roles = "READ",
        orgs = SpendApiIntegrationTests.ORG_A)
class SpendApiIntegrationTests {

    static final String READER = "spend-reader-0123456789abcdef";
    static final String READER_A = "spend-reader-a-0123456789abcdef";
    static final String ORG_A = "8c0c1a2b3c4d5e6f7a8b9d01";
    static final String ORG_B = "8c0c1a2b3c4d5e6f7a8b9d02";
    static final List<String> ORGS = List.of(ORG_A, ORG_B);
    static final Path FOCUS_COLUMNS = Path.of("..", "shared", "reference", "focus-1.3-columns.json");

    @AtlasUnderTest
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static final YearMonth PENDING = YearMonth.now(ZoneOffset.UTC);
    /** Every stored line's usage date: three closed months and the pending one. */
    static final String ALL_DATES = "startDate=" + PENDING.minusMonths(3).atDay(1) + "&endDate="
            + PENDING.plusMonths(1).atDay(1);

    static {
        // A full 7-day window for A; B's month is 3 days old, so its run rate averages 3 days.
        atlas.addOrg(ORG_A, "Spend A", 11, 40, 10);
        atlas.addOrg(ORG_B, "Spend B", 12, 25, 3);
    }

    static boolean synced;

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    ApiTestClient api;

    @BeforeEach
    void syncOnce() {
        api = new ApiTestClient(port);
        if (!synced) {
            ManualRun.configuredOrgIds(context)
                    .forEach(orgId ->
                            assertThat(ManualRun.of(context, orgId).status()).isEqualTo("SUCCEEDED"));
            synced = true;
        }
    }

    // ---- spend -------------------------------------------------------------------------------------------------

    static Stream<List<String>> groupings() {
        return Stream.of(
                List.of("orgId"),
                List.of("groupId"),
                List.of("clusterName"),
                List.of("sku"),
                List.of("usageDate"),
                List.of("usageMonth"),
                List.of("invoiceId"),
                List.of("tag:team"),
                List.of("tag:env"),
                List.of("groupId", "usageMonth"),
                List.of("orgId", "tag:team", "sku"),
                List.of("tag:env", "tag:team"));
    }

    @ParameterizedTest
    @MethodSource("groupings")
    void spendEqualsTheSimulatorsLineItemsToTheCent(List<String> groupBy) {
        Map<List<@Nullable String>, long[]> expected = aggregate(linesOfEveryReadableOrg(), groupBy);
        long[] expectedTotals = totals(linesOfEveryReadableOrg());

        List<JsonNode> rows = new ArrayList<>();
        JsonNode first = null;
        for (int pageNum = 1; ; pageNum++) {
            JsonNode page = api.get(
                            "/api/v1/spend?" + ALL_DATES + query("groupBy", groupBy) + "&itemsPerPage=7&pageNum="
                                    + pageNum,
                            READER)
                    .json();
            first = first == null ? page : first;
            page.get("results").forEach(rows::add);
            assertThat(page.get("totals")).isEqualTo(first.get("totals"));
            if (page.get("results").size() < 7) {
                break;
            }
        }
        assertThat(first.get("totalCount").longValue()).isEqualTo(expected.size());
        assertThat(rows).hasSize(expected.size());
        Map<List<@Nullable String>, long[]> actual = new LinkedHashMap<>();
        for (JsonNode row : rows) {
            actual.put(keysOf(row, groupBy), new long[] {
                row.get("totalPriceCents").longValue(),
                row.get("discountCents").longValue(),
                row.get("lineItemCount").longValue()
            });
        }
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach(
                (key, sums) -> assertThat(actual.get(key)).as("%s", key).containsExactly(sums));
        assertThat(List.copyOf(actual.keySet())).isEqualTo(ordered(expected, groupBy));

        JsonNode totals = first.get("totals");
        assertThat(new long[] {
                    totals.get("totalPriceCents").longValue(),
                    totals.get("discountCents").longValue(),
                    totals.get("lineItemCount").longValue()
                })
                .containsExactly(expectedTotals);
        if (groupBy.contains("groupId")) {
            assertThat(rows).allSatisfy(row -> assertThat(row.has("groupName")).isTrue());
        }
    }

    @Test
    void tagsWithoutTheKeyCountUnderNullAndSeveralValuesOnceJoined() {
        JsonNode rows = api.get("/api/v1/spend?" + ALL_DATES + "&groupBy=tag:team&itemsPerPage=500", READER)
                .json()
                .get("results");
        List<String> values = new ArrayList<>();
        rows.forEach(row -> values.add(
                row.get("tags").get("team").isNull()
                        ? null
                        : row.get("tags").get("team").asString()));
        assertThat(values).contains("billing,finance").containsNull();
        assertThat(rows.get(0).get("tags").has("team")).isTrue();
    }

    @Test
    void aKeyForOneOrgNeverSeesAnotherOrgsCents() {
        assertThat(api.get("/api/v1/spend?groupBy=orgId&orgId=" + ORG_B, READER_A)
                        .status())
                .isEqualTo(403);
        assertThat(api.get("/api/v1/spend?groupBy=orgId&orgId=" + ORG_A + "&orgId=" + ORG_B, READER_A)
                        .status())
                .isEqualTo(403);

        JsonNode own = api.get("/api/v1/spend?" + ALL_DATES + "&groupBy=orgId", READER_A)
                .json();
        assertThat(own.get("results")).hasSize(1);
        assertThat(own.get("results").get(0).get("orgId").asString()).isEqualTo(ORG_A);
        long[] onlyA = totals(lines(List.of(ORG_A)));
        assertThat(own.get("totals").get("totalPriceCents").longValue()).isEqualTo(onlyA[0]);
        assertThat(own.get("totals").get("lineItemCount").longValue()).isEqualTo(onlyA[2]);
        assertThat(api.get("/api/v1/orgs/" + ORG_B + "/spend/forecast", READER_A)
                        .status())
                .isEqualTo(403);
        assertThat(api.send(
                                "GET",
                                "/api/v1/focus?billingPeriod=" + PENDING + "&orgId=" + ORG_B,
                                READER_A,
                                null,
                                "text/csv")
                        .status())
                .isEqualTo(403);
        String focus = api.send("GET", "/api/v1/focus?billingPeriod=" + PENDING, READER_A, null, "text/csv")
                .body();
        assertThat(focus).contains(ORG_A).doesNotContain(ORG_B);
    }

    @Test
    void csvHoldsEveryRowUnderTheSameFieldNames() throws Exception {
        String path = "/api/v1/spend?" + ALL_DATES + "&groupBy=groupId&groupBy=tag:team&itemsPerPage=500";
        JsonNode json = api.get(path, READER).json();
        ApiTestClient.Response csv = api.send("GET", path, READER, null, "text/csv");

        assertThat(csv.status()).isEqualTo(200);
        List<CSVRecord> records = CSVFormat.RFC4180
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get()
                .parse(new StringReader(csv.body()))
                .getRecords();
        assertThat(records.get(0).getParser().getHeaderNames())
                .containsExactly(
                        "groupId", "groupName", "tag:team", "totalPriceCents", "discountCents", "lineItemCount");
        assertThat(records).hasSize(json.get("results").size());
        for (int i = 0; i < records.size(); i++) {
            JsonNode row = json.get("results").get(i);
            assertThat(records.get(i).get("totalPriceCents"))
                    .isEqualTo(row.get("totalPriceCents").asString());
            assertThat(records.get(i).get("groupId"))
                    .isEqualTo(
                            row.get("groupId").isNull()
                                    ? ""
                                    : row.get("groupId").asString());
        }
    }

    @Test
    void theEnvelopeKeepsTotalsAndAddsStatus() {
        JsonNode body = api.get("/api/v1/spend?" + ALL_DATES + "&groupBy=sku&envelope=true", READER)
                .json();
        assertThat(List.copyOf(body.propertyNames()))
                .containsExactly("links", "results", "totalCount", "totals", "status");
        assertThat(body.get("status").intValue()).isEqualTo(200);
    }

    @Test
    void theDefaultRangeIsTheCurrentMonth() {
        JsonNode body = api.get("/api/v1/spend?groupBy=usageMonth", READER).json();
        assertThat(body.get("results"))
                .allSatisfy(row -> assertThat(row.get("usageMonth").asString()).isEqualTo(PENDING.toString()));
    }

    @Test
    void badParametersAre400InvalidParameter() {
        for (String query : List.of(
                "",
                "groupBy=cost",
                "groupBy=sku&groupBy=sku",
                "groupBy=tag:",
                "groupBy=sku&groupBy=orgId&groupBy=groupId&groupBy=clusterName",
                "groupBy=sku&startDate=2026-13-01",
                "groupBy=sku&startDate=2026-03-01&endDate=2026-03-01",
                "groupBy=sku&startDate=2020-01-01&endDate=2023-01-02",
                "groupBy=sku&orgId=nothex",
                "groupBy=sku&itemsPerPage=501")) {
            ApiTestClient.Response response = api.get("/api/v1/spend?" + query, READER);
            assertThat(response.status()).as(query).isEqualTo(400);
            assertThat(response.json().get("errorCode").asString()).as(query).isEqualTo("INVALID_PARAMETER");
        }
        for (String path : List.of(
                "/api/v1/focus",
                "/api/v1/focus?billingPeriod=2026-13",
                "/api/v1/focus?billingPeriod=March",
                "/api/v1/orgs/" + ORG_A + "/spend/forecast?groupBy=sku")) {
            ApiTestClient.Response response = api.send("GET", path, READER, null, "text/csv,application/json");
            assertThat(response.status()).as(path).isEqualTo(400);
        }
    }

    @Test
    void theOpenApiDescriptionDocumentsTheEndpointsAndTheirParameters() {
        JsonNode docs = api.get("/v3/api-docs", null).json();
        JsonNode paths = docs.get("paths");
        // Records unwrapped into their parent's JSON are documented the same way: their fields, flat.
        JsonNode schemas = docs.get("components").get("schemas");
        assertThat(List.copyOf(schemas.get("ForecastResponse").get("properties").propertyNames()))
                .contains("orgId", "projectedMonthEndCents", "results")
                .doesNotContain("projection");
        assertThat(List.copyOf(schemas.get("ProjectForecast").get("properties").propertyNames()))
                .contains("groupId", "orgId", "projectedMonthEndCents")
                .doesNotContain("projection");
        for (String invoice : List.of("InvoiceMetadataResponse", "InvoiceResponse")) {
            assertThat(List.copyOf(schemas.get(invoice).get("properties").propertyNames()))
                    .as(invoice)
                    .contains("id", "statusName", "startDate", "amountBilledCents", "subtotalCents")
                    .doesNotContain("header", "amounts");
        }
        assertThat(parameterNames(paths.get("/api/v1/spend").get("get")))
                .contains("orgId", "startDate", "endDate", "groupBy", "itemsPerPage", "pageNum", "includeCount");
        assertThat(parameterNames(
                        paths.get("/api/v1/orgs/{orgId}/spend/forecast").get("get")))
                .contains("orgId", "groupBy");
        assertThat(parameterNames(paths.get("/api/v1/focus").get("get"))).contains("billingPeriod", "orgId");
    }

    private static List<String> parameterNames(JsonNode operation) {
        List<String> names = new ArrayList<>();
        operation.get("parameters").forEach(p -> names.add(p.get("name").asString()));
        return names;
    }

    // ---- forecast ----------------------------------------------------------------------------------------------

    @Test
    void forecastMatchesTheRunRateFormulaToTheCent() {
        for (String orgId : ORGS) {
            JsonNode invoice = invoice(orgId, atlas.org(orgId).pendingInvoiceId());
            Map<LocalDate, Long> daily = dailyTotals(invoice, null);
            JsonNode forecast =
                    api.get("/api/v1/orgs/" + orgId + "/spend/forecast", READER).json();

            assertExpectedForecast(forecast, daily, daily);
            assertThat(forecast.get("invoiceId").asString())
                    .isEqualTo(atlas.org(orgId).pendingInvoiceId());
            assertThat(forecast.get("month").asString()).isEqualTo(PENDING.toString());
            assertThat(forecast.get("daysInMonth").intValue()).isEqualTo(PENDING.lengthOfMonth());
        }
    }

    @Test
    void forecastPerProjectUsesTheInvoicesAsOf() {
        JsonNode invoice = invoice(ORG_A, atlas.org(ORG_A).pendingInvoiceId());
        Map<LocalDate, Long> all = dailyTotals(invoice, null);
        JsonNode forecast = api.get("/api/v1/orgs/" + ORG_A + "/spend/forecast?groupBy=groupId", READER)
                .json();

        long previous = Long.MAX_VALUE;
        long sumOfMonthToDate = 0;
        for (JsonNode project : forecast.get("results")) {
            String groupId = project.get("groupId").isNull()
                    ? ""
                    : project.get("groupId").asString();
            assertExpectedForecast(project, dailyTotals(invoice, groupId), all);
            assertThat(project.get("projectedMonthEndCents").longValue()).isLessThanOrEqualTo(previous);
            previous = project.get("projectedMonthEndCents").longValue();
            sumOfMonthToDate += project.get("monthToDateCents").longValue();
        }
        assertThat(sumOfMonthToDate).isEqualTo(forecast.get("monthToDateCents").longValue());
        List<String> fields = List.of(
                "orgId",
                "invoiceId",
                "month",
                "asOf",
                "daysInMonth",
                "monthToDateCents",
                "dailyRunRateCents",
                "projectedMonthEndCents");
        assertThat(List.copyOf(forecast.propertyNames()))
                .containsExactlyElementsOf(
                        Stream.concat(fields.stream(), Stream.of("results")).toList());
        assertThat(List.copyOf(forecast.get("results").get(0).propertyNames()))
                .containsExactlyElementsOf(Stream.concat(Stream.of("groupId", "groupName"), fields.stream())
                        .toList());
        List<String> projects = new ArrayList<>();
        forecast.get("results")
                .forEach(p -> projects.add(
                        p.get("groupId").isNull() ? "" : p.get("groupId").asString()));
        List<String> expectedProjects = new ArrayList<>();
        invoice.get("lineItems").forEach(line -> {
            String id = line.has("groupId") ? line.get("groupId").asString() : "";
            if (!expectedProjects.contains(id)) {
                expectedProjects.add(id);
            }
        });
        assertThat(projects).containsExactlyInAnyOrderElementsOf(expectedProjects);
    }

    @Test
    void anOrgWithoutAPendingInvoiceIs404() {
        // The org exists, but is not synced with a pending invoice: an id of a valid shape nobody configured.
        ApiTestClient.Response response = api.get("/api/v1/orgs/8c0c1a2b3c4d5e6f7a8b9dff/spend/forecast", READER);
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("errorCode").asString()).isEqualTo("ORG_NOT_FOUND");
    }

    /** The §5.1 formula computed here, independently: BigDecimal, half-even, days without lines as 0. */
    private static void assertExpectedForecast(
            JsonNode forecast, Map<LocalDate, Long> daily, Map<LocalDate, Long> invoiceDays) {
        LocalDate asOf =
                invoiceDays.keySet().stream().max(Comparator.naturalOrder()).orElseThrow();
        LocalDate windowStart = asOf.minusDays(6).isBefore(PENDING.atDay(1)) ? PENDING.atDay(1) : asOf.minusDays(6);
        long days = ChronoUnit.DAYS.between(windowStart, asOf) + 1;
        long window = 0;
        long monthToDate = 0;
        for (LocalDate d = PENDING.atDay(1); !d.isAfter(asOf); d = d.plusDays(1)) {
            long total = daily.getOrDefault(d, 0L);
            monthToDate += total;
            if (!d.isBefore(windowStart)) {
                window += total;
            }
        }
        long rate = new BigDecimal(window)
                .divide(new BigDecimal(days), 0, RoundingMode.HALF_EVEN)
                .longValueExact();
        long projected = monthToDate + rate * (PENDING.lengthOfMonth() - asOf.getDayOfMonth());

        assertThat(forecast.get("asOf").asString()).isEqualTo(asOf.toString());
        assertThat(forecast.get("monthToDateCents").longValue()).isEqualTo(monthToDate);
        assertThat(forecast.get("dailyRunRateCents").longValue()).isEqualTo(rate);
        assertThat(forecast.get("projectedMonthEndCents").longValue()).isEqualTo(projected);
    }

    /** Cents per usage day of the invoice's lines; of one project only when {@code groupId} is given ("" = none). */
    private static Map<LocalDate, Long> dailyTotals(JsonNode invoice, @Nullable String groupId) {
        Map<LocalDate, Long> daily = new TreeMap<>();
        for (JsonNode line : invoice.get("lineItems")) {
            String lineGroup = line.has("groupId") ? line.get("groupId").asString() : "";
            if (groupId == null || groupId.equals(lineGroup)) {
                daily.merge(day(line), line.get("totalPriceCents").longValue(), Long::sum);
            }
        }
        return daily;
    }

    // ---- FOCUS -------------------------------------------------------------------------------------------------

    @Test
    void everyFocusRowPassesTheColumnRulesOfTheReference() throws Exception {
        assumeTrue(
                Files.exists(FOCUS_COLUMNS),
                "FOCUS column rules not found at " + FOCUS_COLUMNS.toAbsolutePath() + " (../shared is absent)");
        JsonNode reference = ApiTestClient.EXACT.readTree(Files.readString(FOCUS_COLUMNS, StandardCharsets.UTF_8));
        List<JsonNode> columns = new ArrayList<>();
        reference.forEach(c -> {
            if (c.has("name")) {
                columns.add(c);
            }
        });

        for (int m = 0; m <= 3; m++) {
            YearMonth month = PENDING.minusMonths(m);
            ApiTestClient.Response response =
                    api.send("GET", "/api/v1/focus?billingPeriod=" + month, READER, null, "text/csv");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("text/csv");
            List<CSVRecord> rows = CSVFormat.RFC4180
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .get()
                    .parse(new StringReader(response.body()))
                    .getRecords();
            List<String> header = rows.get(0).getParser().getHeaderNames();

            // Presence: every column the reference maps is emitted, every Mandatory one among them; FOCUS columns
            // first in alphabetical order, then the x_ columns.
            for (JsonNode column : columns) {
                String name = column.get("name").asString();
                boolean mapped = !column.get("atlas").isNull();
                assertThat(header.contains(name)).as(name).isEqualTo(mapped);
                if ("Mandatory".equals(column.get("featureLevel").asString())) {
                    assertThat(header).as("Mandatory " + name).contains(name);
                }
            }
            assertThat(header)
                    .isSortedAccordingTo(Comparator.comparing((String h) -> h.startsWith("x_"))
                            .thenComparing(Comparator.naturalOrder()));

            Map<String, BigDecimal> billedPerInvoice = new HashMap<>();
            for (CSVRecord row : rows) {
                for (JsonNode column : columns) {
                    String name = column.get("name").asString();
                    if (header.contains(name)) {
                        assertCell(column, row.get(name), row);
                    }
                }
                assertThat(Instant.parse(row.get("ChargePeriodStart")))
                        .isBefore(Instant.parse(row.get("ChargePeriodEnd")));
                assertThat(Instant.parse(row.get("BillingPeriodStart")))
                        .isBefore(Instant.parse(row.get("BillingPeriodEnd")));
                billedPerInvoice.merge(row.get("InvoiceId"), new BigDecimal(row.get("BilledCost")), BigDecimal::add);
            }

            // Σ BilledCost per InvoiceId = the invoice's line-item total (one row per line item, every line).
            Map<String, BigDecimal> expected = new HashMap<>();
            Map<String, Integer> lineCounts = new HashMap<>();
            for (JsonNode invoice : invoicesOf(ORGS, true)) {
                String invoiceId = invoice.get("id").asString();
                if (YearMonth.from(Instant.parse(invoice.get("startDate").asString())
                                .atZone(ZoneOffset.UTC))
                        .equals(month)) {
                    long cents = 0;
                    for (JsonNode line : invoice.get("lineItems")) {
                        cents += line.get("totalPriceCents").longValue();
                    }
                    expected.put(invoiceId, BigDecimal.valueOf(cents, 2));
                    lineCounts.put(invoiceId, invoice.get("lineItems").size());
                }
            }
            assertThat(billedPerInvoice.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            expected.forEach(
                    (id, total) -> assertThat(billedPerInvoice.get(id)).as(id).isEqualByComparingTo(total));
            assertThat(rows)
                    .hasSize(lineCounts.values().stream()
                            .mapToInt(Integer::intValue)
                            .sum());
        }
    }

    static final Pattern DATE_TIME = Pattern.compile("^\\d{4}-[0-1]\\d-[0-3]\\dT[0-2]\\d:[0-5]\\d:[0-5]\\dZ$");
    static final Pattern NUMBER = Pattern.compile("^[+-]?([0-9]*[.])?[0-9]+([eE][+-]?[0-9]+)?$");

    /** One cell against its column's rule: null rule, data type, format, allowed values. */
    private static void assertCell(JsonNode column, String cell, CSVRecord row) {
        String name = column.get("name").asString();
        String where = name + " in row " + row.getRecordNumber();
        if (cell.isEmpty()) {
            assertThat(column.get("allowsNulls").booleanValue())
                    .as(where + " is null")
                    .isTrue();
            return;
        }
        assertThat(cell.isBlank()).as(where + " is blank").isFalse();
        String type = column.get("dataType").asString();
        String format = column.get("format").asString();
        if (type.equals("Decimal")) {
            assertThat(cell).as(where).matches(NUMBER).contains(".");
        } else if (type.equals("Date/Time")) {
            assertThat(cell).as(where).matches(DATE_TIME);
        }
        switch (format) {
            case "currency-code" -> assertThat(cell).as(where).matches("^[A-Z]{3}$");
            case "json-key-value" -> {
                JsonNode json = ApiTestClient.EXACT.readTree(cell);
                assertThat(json.isObject()).as(where).isTrue();
                json.forEach(value ->
                        assertThat(value.isValueNode()).as(where + " value").isTrue());
            }
            case "json-object" ->
                assertThat(ApiTestClient.EXACT.readTree(cell).isObject())
                        .as(where)
                        .isTrue();
            default -> {}
        }
        JsonNode allowed = column.get("allowedValues");
        if (allowed != null && allowed.isArray()) {
            List<String> values = new ArrayList<>();
            allowed.forEach(v -> values.add(v.asString()));
            assertThat(values).as(where).contains(cell);
        }
    }

    // ---- the test's own aggregation ---------------------------------------------------------------------------

    /** One simulator line with its org and invoice. */
    record Line(String orgId, String invoiceId, JsonNode json) {}

    private static JsonNode invoice(String orgId, String invoiceId) {
        return ApiTestClient.EXACT.readTree(
                atlas.org(orgId).invoiceResponse(invoiceId).toString());
    }

    /**
     * The invoices a query over these orgs covers: their own and, with {@code withLinked}, the linked orgs' invoices
     * nested in them, which are stored as invoices of those orgs (readable where every readable org is asked for).
     */
    private static List<JsonNode> invoicesOf(List<String> orgIds, boolean withLinked) {
        List<JsonNode> invoices = new ArrayList<>();
        for (String orgId : orgIds) {
            for (String invoiceId : atlas.org(orgId).invoiceIds()) {
                JsonNode invoice = invoice(orgId, invoiceId);
                if (orgId.equals(invoice.get("orgId").asString())) {
                    invoices.add(invoice);
                    if (withLinked) {
                        invoice.path("linkedInvoices").forEach(invoices::add);
                    }
                }
            }
        }
        return invoices;
    }

    private static List<Line> lines(List<String> orgIds) {
        return linesOf(invoicesOf(orgIds, false));
    }

    private static List<Line> linesOfEveryReadableOrg() {
        return linesOf(invoicesOf(ORGS, true));
    }

    private static List<Line> linesOf(List<JsonNode> invoices) {
        List<Line> lines = new ArrayList<>();
        for (JsonNode invoice : invoices) {
            String orgId = invoice.get("orgId").asString();
            String invoiceId = invoice.get("id").asString();
            invoice.get("lineItems").forEach(line -> lines.add(new Line(orgId, invoiceId, line)));
        }
        return lines;
    }

    private static long[] totals(List<Line> lines) {
        long[] totals = new long[3];
        for (Line line : lines) {
            totals[0] += line.json().get("totalPriceCents").longValue();
            totals[1] += line.json().has("discountCents")
                    ? line.json().get("discountCents").longValue()
                    : 0;
            totals[2]++;
        }
        return totals;
    }

    private static Map<List<@Nullable String>, long[]> aggregate(List<Line> lines, List<String> groupBy) {
        Map<List<@Nullable String>, long[]> sums = new HashMap<>();
        for (Line line : lines) {
            List<@Nullable String> key = new ArrayList<>();
            for (String g : groupBy) {
                key.add(keyOf(line, g));
            }
            long[] s = sums.computeIfAbsent(key, k -> new long[3]);
            s[0] += line.json().get("totalPriceCents").longValue();
            s[1] += line.json().has("discountCents")
                    ? line.json().get("discountCents").longValue()
                    : 0;
            s[2]++;
        }
        return sums;
    }

    private static @Nullable String keyOf(Line line, String groupBy) {
        JsonNode json = line.json();
        return switch (groupBy) {
            case "orgId" -> line.orgId();
            case "invoiceId" -> line.invoiceId();
            case "usageDate" -> day(json).toString();
            case "usageMonth" -> YearMonth.from(day(json)).toString();
            case "groupId", "clusterName", "sku" ->
                json.has(groupBy) ? json.get(groupBy).asString() : null;
            default -> {
                String tag = groupBy.substring("tag:".length());
                JsonNode values = json.has("tags") ? json.get("tags").get(tag) : null;
                if (values == null || values.isEmpty()) {
                    yield null;
                }
                List<byte[]> sorted = new ArrayList<>();
                values.forEach(v -> sorted.add(v.asString().getBytes(StandardCharsets.UTF_8)));
                sorted.sort(Arrays::compareUnsigned);
                yield String.join(
                        ",",
                        sorted.stream()
                                .map(b -> new String(b, StandardCharsets.UTF_8))
                                .toList());
            }
        };
    }

    private static List<@Nullable String> keysOf(JsonNode row, List<String> groupBy) {
        List<@Nullable String> keys = new ArrayList<>();
        for (String g : groupBy) {
            JsonNode value = g.startsWith("tag:") ? row.get("tags").get(g.substring(4)) : row.get(g);
            assertThat(value).as("row %s has %s", row, g).isNotNull();
            keys.add(value.isNull() ? null : value.asString());
        }
        return keys;
    }

    /** Total descending, then keys ascending in byte order, nulls last. */
    private static List<List<@Nullable String>> ordered(
            Map<List<@Nullable String>, long[]> sums, List<String> groupBy) {
        Comparator<@Nullable String> bytes = Comparator.nullsLast((a, b) ->
                Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
        Comparator<List<@Nullable String>> order =
                Comparator.comparingLong((List<@Nullable String> k) -> -sums.get(k)[0]);
        for (int i = 0; i < groupBy.size(); i++) {
            int k = i;
            order = order.thenComparing(key -> key.get(k), bytes);
        }
        return sums.keySet().stream().sorted(order).toList();
    }

    private static LocalDate day(JsonNode line) {
        return LocalDate.ofInstant(Instant.parse(line.get("startDate").asString()), ZoneOffset.UTC);
    }

    private static String query(String name, List<String> values) {
        StringBuilder q = new StringBuilder();
        values.forEach(v -> q.append('&').append(name).append('=').append(v));
        return q.toString();
    }

    static {
        Objects.requireNonNull(PENDING);
    }
}
