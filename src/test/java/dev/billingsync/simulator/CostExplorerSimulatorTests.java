package dev.billingsync.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.netty.handler.timeout.ReadTimeoutException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The simulator's Cost Explorer endpoints on the wire: the JDK client where the client does not matter, raw sockets
 * and Reactor Netty where it does.
 */
class CostExplorerSimulatorTests {

    private static final String ORG = "5f1a2b3c4d5e6f7a8b9c0d1e";
    private static final String CLIENT_ID = "mdb_sa_id_0123456789abcdef";
    private static final String CLIENT_SECRET = "mdb_sa_sk_s3cr3t-value";
    private static final String JSON_TYPE = "application/vnd.atlas.2023-01-01+json";
    private static final String CSV_TYPE = "application/vnd.atlas.2023-01-01+csv";
    private static final String USAGE = "/api/atlas/v2/orgs/" + ORG + "/billing/costExplorer/usage";
    private static final String PENDING = "/api/atlas/v2/orgs/" + ORG + "/invoices/pending";
    private static final Clock NOV_21 = Clock.fixed(Instant.parse("2026-11-21T09:00:00Z"), ZoneOffset.UTC);
    private static final String QUERY =
            "{\"startDate\":\"2026-08-01\",\"endDate\":\"2026-12-01\"," + "\"organizations\":[\"" + ORG + "\"]}";
    private static final byte[] PROCESSING = "HTTP/1.1 102 Processing\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private AtlasSimulator simulator;
    private SimulatedOrg org;
    private HttpClient http;
    private String bearer;

    @BeforeEach
    void start() throws Exception {
        simulator = AtlasSimulator.start(NOV_21);
        simulator.addServiceAccount(CLIENT_ID, CLIENT_SECRET);
        org = simulator.addOrg(ORG, "Acme Billing", 42, 15);
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        bearer = "Bearer " + accessToken();
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    // --- POST

    @Test
    void createsAQueryAndAnswers202WithA64HexToken() throws Exception {
        HttpResponse<String> response = post(QUERY, JSON_TYPE, JSON_TYPE);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(JSON_TYPE);
        assertThat(response.headers().firstValue("RateLimit-Remaining")).hasValue("499");
        String token = JSON.readTree(response.body()).get("token").asString();
        assertThat(token).matches("[0-9a-f]{64}");
        assertThat(org.costExplorer().tokens()).containsExactly(token);
        assertThat(org.costExplorer().requestBody(token)).isEqualTo(QUERY);
        assertThat(org.costExplorer().query(token))
                .isEqualTo(new CostExplorerQuery(
                        LocalDate.parse("2026-08-01"),
                        LocalDate.parse("2026-12-01"),
                        List.of(ORG),
                        null,
                        null,
                        null,
                        null,
                        false));

        String second = JSON.readTree(post(QUERY, JSON_TYPE, JSON_TYPE).body())
                .get("token")
                .asString();
        assertThat(second).isNotEqualTo(token);
    }

    @Test
    void wrapsTheTokenInAnEnvelopeOnRequest() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(USAGE + "?envelope=true"))
                .header("Authorization", bearer)
                .header("Accept", JSON_TYPE)
                .header("Content-Type", JSON_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(QUERY)));

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("status").asInt()).isEqualTo(202);
        assertThat(body.get("content").get("token").asString()).hasSize(64);
    }

    @ParameterizedTest
    @CsvSource(
            nullValues = "NONE",
            value = {
                "application/json, 415",
                "application/vnd.atlas.2025-03-12+json, 415",
                "text/plain, 415",
                "NONE, 415",
                "application/vnd.atlas.2023-01-01+json; charset=UTF-8, 202"
            })
    void checksTheVersionedContentType(String contentType, int status) throws Exception {
        HttpResponse<String> response = post(QUERY, contentType, JSON_TYPE);

        assertThat(response.statusCode()).isEqualTo(status);
        if (status == 415) {
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode error = JSON.readTree(response.body());
            assertThat(error.get("error").asInt()).isEqualTo(415);
            assertThat(error.get("errorCode").asString()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
            assertThat(error.get("reason").asString()).isEqualTo("Unsupported Media Type");
        }
    }

    @Test
    void checksAuthAndTheAcceptVersionBeforeTheBody() throws Exception {
        assertThat(post(QUERY, JSON_TYPE, "application/vnd.atlas.2024-08-05+json")
                        .statusCode())
                .isEqualTo(406);
        assertThat(post(QUERY, JSON_TYPE, CSV_TYPE).statusCode()).isEqualTo(406);
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(uri(USAGE))
                .header("Accept", JSON_TYPE)
                .header("Content-Type", JSON_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(QUERY)));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> unknownOrg = send(
                HttpRequest.newBuilder(uri("/api/atlas/v2/orgs/0123456789abcdef01234567/billing/costExplorer/usage"))
                        .header("Authorization", bearer)
                        .header("Accept", JSON_TYPE)
                        .header("Content-Type", JSON_TYPE)
                        .POST(HttpRequest.BodyPublishers.ofString(QUERY)));
        assertThat(unknownOrg.statusCode()).isEqualTo(404);
        assertThat(org.costExplorer().tokens()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"startDate\":\"2026-08-02\",\"endDate\":\"2026-12-01\"}",
                "{\"startDate\":\"2026-08-01\",\"endDate\":\"2026-11-30\"}",
                "{\"startDate\":\"2026-08-01\",\"endDate\":\"2026-08-01\"}",
                "{\"startDate\":\"2026-09-01\",\"endDate\":\"2026-08-01\"}",
                "{\"startDate\":\"2025-05-01\",\"endDate\":\"2026-12-01\"}",
                "{\"startDate\":\"2026-08-01\"}",
                "{\"endDate\":\"2026-12-01\"}",
                "{\"startDate\":\"2026/08/01\",\"endDate\":\"2026-12-01\"}",
                "{\"startDate\":\"2026-02-30\",\"endDate\":\"2026-12-01\"}",
                "{\"startDate\":\"2026-08-01\",\"endDate\":\"2026-12-01\",\"granularity\":\"MONTHLY\"}",
                "{\"startDate\":\"2026-08-01\",\"endDate\":\"2026-12-01\",\"groupBy\":\"projects\"}",
                "{\"startDate\":\"2026-08-01\",\"endDate\":\"2026-12-01\",\"groupBy\":\"clusters\",\"clusters\":[]}",
                "{\"startDate\":\"2026-08-01\",\"endDate\":\"2026-12-01\",\"groupBy\":\"organizations\"}",
                "{\"startDate\":\"2026-08-01\",\"endDate\":\"2026-12-01\",\"groupBy\":\"services\",\"projects\":[\"5f1a2b3c4d5e6f7a8b9c0d1e\"]}",
                "{\"startDate\":\"2026-08-01\",\"endDate\":\"2026-12-01\",\"groupBy\":\"skus\"}",
                "{\"startDate\":\"2026-08-01\",\"endDate\":\"2026-12-01\",\"services\":[\"Clusters\",\"AI Models\"]}",
                "{\"startDate\":\"2026-08-01\",\"endDate\":\"2026-12-01\",\"organizations\":[\"ACME\"]}",
                "{\"startDate\":\"2026-08-01\",\"endDate\":\"2026-12-01\",\"projects\":null}",
                "{\"startDate\":\"2026-08-01\",\"endDate\":\"2026-12-01\",\"projects\":\"5f1a2b3c4d5e6f7a8b9c0d1e\"}",
                "{\"startDate\":\"2026-08-01\",\"endDate\":\"2026-12-01\",\"includePartialMatches\":\"yes\"}",
                "[]"
            })
    void rejectsWhatAtlasRejectsWith400ValidationError(String body) throws Exception {
        HttpResponse<String> response = post(body, JSON_TYPE, JSON_TYPE);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.get("errorCode").asString()).isEqualTo("VALIDATION_ERROR");
        assertThat(error.get("reason").asString()).isEqualTo("Bad Request");
        assertThat(error.get("detail").asString()).isNotBlank();
        assertThat(org.costExplorer().tokens()).isEmpty();
    }

    @Test
    void answersInvalidJsonWith400() throws Exception {
        HttpResponse<String> response = post("{\"startDate\":", JSON_TYPE, JSON_TYPE);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("errorCode").asString()).isEqualTo("INVALID_JSON");
    }

    @Test
    void acceptsEighteenMonthsCurrentOneIncludedAndEveryFilter() throws Exception {
        String body = "{\"startDate\":\"2025-06-01\",\"endDate\":\"2026-12-01\",\"organizations\":[\"" + ORG + "\"],"
                + "\"projects\":[\"" + org.groupIds().get(0) + "\"],\"clusters\":[\""
                + org.costExplorer().clusterIds().get(0)
                + "\"],\"services\":[\"Cloud Manager Standard/Premium\",\"AI Model APIs\"],"
                + "\"groupBy\":\"clusters\",\"includePartialMatches\":true}";

        assertThat(post(body, JSON_TYPE, JSON_TYPE).statusCode()).isEqualTo(202);
    }

    // --- GET

    @Test
    void answers400ForATokenOfTheWrongLengthAnd404ForAnUnknownOrExpiredOne() throws Exception {
        HttpResponse<String> shortToken = poll("abc123", JSON_TYPE);
        assertThat(shortToken.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(shortToken.body()).get("errorCode").asString()).isEqualTo("INVALID_PARAMETER");

        HttpResponse<String> unknown = poll("a".repeat(64), JSON_TYPE);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).get("errorCode").asString()).isEqualTo("RESOURCE_NOT_FOUND");

        org.costExplorer().notReadyPolls(0);
        String token = createToken();
        assertThat(poll(token, JSON_TYPE).statusCode()).isEqualTo(200);
        assertThat(poll(token.toUpperCase(), JSON_TYPE).statusCode())
                .as("tokens are hex, any case")
                .isEqualTo(200);
        org.costExplorer().expireTokens();
        assertThat(poll(token, JSON_TYPE).statusCode()).isEqualTo(404);
        assertThat(poll(createToken(), JSON_TYPE).statusCode()).isEqualTo(200);

        SimulatedOrg other = simulator.addOrg("6a0b1c2d3e4f5a6b7c8d9e0f", "Other", 7, 3);
        other.costExplorer().notReadyPolls(0);
        assertThat(send(HttpRequest.newBuilder(uri("/api/atlas/v2/orgs/" + other.id() + "/billing/costExplorer/usage/"
                                        + org.costExplorer().tokens().get(1)))
                                .header("Authorization", bearer)
                                .header("Accept", JSON_TYPE)
                                .GET())
                        .statusCode())
                .as("tokens belong to their org")
                .isEqualTo(404);
    }

    @Test
    void answersTheScriptedNumberOfPollsNotReadyThenServesJsonOrCsvByAccept() throws Exception {
        org.costExplorer().notReadyPolls(2).notReadyForm(NotReadyForm.EMPTY_200);
        String token = createToken();

        for (int i = 0; i < 2; i++) {
            HttpResponse<String> notReady = poll(token, JSON_TYPE);
            assertThat(notReady.statusCode()).isEqualTo(200);
            assertThat(notReady.body()).isEmpty();
            assertThat(notReady.headers().firstValue("Content-Length")).hasValue("0");
        }
        HttpResponse<String> json = poll(token, JSON_TYPE);
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.headers().firstValue("Content-Type")).hasValue(JSON_TYPE);
        assertThat(JSON.readTree(json.body())).isEqualTo(org.costExplorer().resultJson(token));

        HttpResponse<String> csv = poll(token, CSV_TYPE);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValue(CSV_TYPE);
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0))
                .isEqualTo("Billed Date,Invoice Id,Organization Name,Organization ID,Project Name,"
                        + "Project Id,Cluster Name,Cluster Unique Id,Service,Usage Amount");
        List<CostExplorerRow> rows = org.costExplorer().resultRows(token);
        assertThat(lines).hasSize(rows.size() + 1);
        CostExplorerRow first = rows.get(0);
        assertThat(lines.get(1))
                .isEqualTo(first.usageDate() + "," + first.invoiceId() + ",Acme Billing," + ORG + ",,,,,"
                        + first.service() + ", " + first.usageAmount().toPlainString());
        assertThat(csv.body()).contains("\r\n");

        assertThat(org.costExplorer().pollTimes(token)).hasSize(4);
    }

    @Test
    void neverReadyKeepsEveryPollWaitingUntilScriptedOtherwise() throws Exception {
        org.costExplorer().neverReady().notReadyForm(NotReadyForm.EMPTY_200);
        String token = createToken();
        for (int i = 0; i < 5; i++) {
            assertThat(poll(token, JSON_TYPE).body()).isEmpty();
        }

        org.costExplorer().notReadyPolls(0);
        assertThat(poll(token, JSON_TYPE).body()).startsWith("{\"usageDetails\":[");
    }

    @Test
    void pollsTakeTokensFromTheOrgBucketAndAreLoggedWithTheirTimes() throws Exception {
        simulator.rateLimit(3, 1, Duration.ofMinutes(1));
        org.costExplorer().notReadyPolls(0);
        String token = createToken();
        simulator.clearRequests();

        assertThat(poll(token, JSON_TYPE).statusCode()).isEqualTo(200);
        assertThat(poll(token, CSV_TYPE).statusCode()).isEqualTo(200);
        HttpResponse<String> limited = poll(token, JSON_TYPE);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();

        assertThat(org.costExplorer().pollTimes(token)).hasSize(2);
        List<RecordedRequest> polls = simulator.requests();
        assertThat(polls).extracting(RecordedRequest::path).containsOnly(USAGE + "/" + token);
        assertThat(polls).extracting(RecordedRequest::status).containsExactly(200, 200, 429);
        assertThat(polls.get(1).receivedAt()).isAfterOrEqualTo(polls.get(0).completedAt());
    }

    // --- the not-ready wire forms, byte for byte

    @Test
    void final102IsTheWholeAnswerAndTheConnectionServesTheNextRequest() throws Exception {
        org.costExplorer().notReadyForm(NotReadyForm.FINAL_102);
        String token = createToken();

        try (RawConnection connection = new RawConnection()) {
            connection.get(USAGE + "/" + token, JSON_TYPE);
            assertThat(connection.readExactly(PROCESSING.length)).isEqualTo(PROCESSING);

            connection.get(PENDING, JSON_TYPE);
            RawResponse pending = connection.readResponse();
            assertThat(pending.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(pending.body()).isEqualTo(org.pendingInvoicesResponseBytes());

            connection.get(USAGE + "/" + token, JSON_TYPE);
            RawResponse ready = connection.readResponse();
            assertThat(ready.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(JSON.readTree(ready.body())).isEqualTo(org.costExplorer().resultJson(token));
        }
        assertThat(statusesOf(USAGE + "/" + token)).containsExactly(102, 200);
    }

    @Test
    void interim102ThenSilenceNeverAnswersThatConnectionAgain() throws Exception {
        org.costExplorer().notReadyForm(NotReadyForm.INTERIM_102_THEN_SILENCE);
        String token = createToken();

        try (RawConnection connection = new RawConnection()) {
            connection.get(USAGE + "/" + token, JSON_TYPE);
            assertThat(connection.readExactly(PROCESSING.length)).isEqualTo(PROCESSING);
            assertThat(connection.silentFor(Duration.ofMillis(300))).isTrue();

            // A client that reuses the connection waits for good: the server is still "processing".
            connection.get(PENDING, JSON_TYPE);
            assertThat(connection.silentFor(Duration.ofMillis(300))).isTrue();
            assertThat(simulator.requests())
                    .filteredOn(r -> r.path().startsWith(USAGE + "/"))
                    .singleElement()
                    .satisfies(r -> assertThat(r.completedAt()).isNull());
        }
        await().atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(simulator.requests())
                        .filteredOn(r -> r.path().startsWith(USAGE + "/"))
                        .singleElement()
                        .satisfies(r -> assertThat(r.completedAt())
                                .as("completes when the client gives up")
                                .isNotNull()));
    }

    @Test
    void interim102ThenCloseEndsTheConnection() throws Exception {
        org.costExplorer().notReadyForm(NotReadyForm.INTERIM_102_THEN_CLOSE);
        String token = createToken();

        try (RawConnection connection = new RawConnection()) {
            connection.get(USAGE + "/" + token, JSON_TYPE);
            assertThat(connection.readExactly(PROCESSING.length)).isEqualTo(PROCESSING);
            assertThat(connection.read()).isEqualTo(-1);
        }
    }

    @Test
    void interim102ThenResultSendsTheResultLateAndKeepsTheConnection() throws Exception {
        org.costExplorer().notReadyForm(NotReadyForm.INTERIM_102_THEN_RESULT);
        String token = createToken();

        try (RawConnection connection = new RawConnection()) {
            connection.get(USAGE + "/" + token, JSON_TYPE);
            assertThat(connection.readExactly(PROCESSING.length)).isEqualTo(PROCESSING);
            long started = System.nanoTime();
            RawResponse late = connection.readResponse();
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isGreaterThanOrEqualTo(NotReadyForm.RESULT_DELAY.minusMillis(50));
            assertThat(late.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(late.headers()).containsEntry("content-type", JSON_TYPE);
            assertThat(JSON.readTree(late.body())).isEqualTo(org.costExplorer().resultJson(token));

            connection.get(PENDING, JSON_TYPE);
            assertThat(connection.readResponse().body()).isEqualTo(org.pendingInvoicesResponseBytes());
        }
        assertThat(org.costExplorer().pollTimes(token))
                .as("a not-ready poll, whatever came late")
                .hasSize(1);
    }

    @Test
    void theJdkClientWaitsPastAnInterim102ButNeverEndsOnAFinalOne() throws Exception {
        org.costExplorer().notReadyPolls(2).notReadyForm(NotReadyForm.INTERIM_102_THEN_RESULT);
        String token = createToken();

        HttpResponse<String> afterInterim = poll(token, CSV_TYPE);
        assertThat(afterInterim.statusCode()).isEqualTo(200);
        assertThat(afterInterim.body()).startsWith(CostExplorerEndpoints.CSV_HEADER);

        org.costExplorer().notReadyForm(NotReadyForm.FINAL_102);
        assertThat(catchThrowable(() -> http.send(
                        HttpRequest.newBuilder(uri(USAGE + "/" + token))
                                .header("Authorization", bearer)
                                .header("Accept", JSON_TYPE)
                                .timeout(Duration.ofMillis(500))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())))
                .isInstanceOf(java.net.http.HttpTimeoutException.class);
    }

    @Test
    void silenceSendsNothingAndCloseClosesWithoutAResponse() throws Exception {
        org.costExplorer().notReadyPolls(2).notReadyForm(NotReadyForm.SILENCE);
        String token = createToken();
        try (RawConnection connection = new RawConnection()) {
            connection.get(USAGE + "/" + token, JSON_TYPE);
            assertThat(connection.silentFor(Duration.ofMillis(300))).isTrue();
        }

        org.costExplorer().notReadyForm(NotReadyForm.CLOSE);
        try (RawConnection connection = new RawConnection()) {
            connection.get(USAGE + "/" + token, JSON_TYPE);
            assertThat(connection.read()).isEqualTo(-1);
        }
        await().atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(statusesOf(USAGE + "/" + token)).containsExactly(0, 0));
    }

    /**
     * The trap of java-http-findings §1, reproduced with a Reactor Netty client that pools a connection after a 102:
     * after FINAL_102 the pooled connection serves the next request (one connection in all); after
     * INTERIM_102_THEN_SILENCE the next request on it is never answered; after INTERIM_102_THEN_RESULT the next
     * request gets the poll's late result.
     */
    @Test
    void aReactorNettyClientThatReusesTheConnectionAfterA102SeesWhatEachFormMeans() throws Exception {
        String token = createToken();
        Set<Object> connections = ConcurrentHashMap.newKeySet();
        ConnectionProvider pool = ConnectionProvider.create("one-connection", 1);
        try {
            reactor.netty.http.client.HttpClient client = reactor.netty.http.client.HttpClient.create(pool)
                    .responseTimeout(Duration.ofMillis(700))
                    .doOnResponse((response, connection) ->
                            connections.add(connection.channel().id()))
                    .headers(headers -> headers.add("Authorization", bearer).add("Accept", JSON_TYPE))
                    .baseUrl(simulator.baseUrl().toString());

            org.costExplorer().notReadyPolls(1).notReadyForm(NotReadyForm.FINAL_102);
            assertThat(status(client, USAGE + "/" + token)).isEqualTo(102);
            assertThat(status(client, PENDING)).isEqualTo(200);
            assertThat(connections).hasSize(1);

            String second = createToken();
            org.costExplorer().notReadyForm(NotReadyForm.INTERIM_102_THEN_SILENCE);
            assertThat(status(client, USAGE + "/" + second)).isEqualTo(102);
            assertThat(causes(catchThrowable(() -> status(client, PENDING))))
                    .hasAtLeastOneElementOfType(ReadTimeoutException.class);

            String third = createToken();
            org.costExplorer().notReadyForm(NotReadyForm.CLOSE);
            assertThat(causes(catchThrowable(() -> status(client, USAGE + "/" + third))))
                    .hasAtLeastOneElementOfType(PrematureCloseException.class);

            // Last: from here on every answer on the pooled connection is one behind.
            String late = createToken();
            org.costExplorer().notReadyForm(NotReadyForm.INTERIM_102_THEN_RESULT);
            assertThat(status(client, USAGE + "/" + late)).isEqualTo(102);
            assertThat(body(client, PENDING))
                    .as("the poll's late 200, not the pending invoices")
                    .startsWith("{\"usageDetails\":[");
        } finally {
            pool.dispose();
        }
    }

    // --- the rows

    @Test
    void derivesRowsPerMonthAndServiceFromTheInvoices() {
        List<CostExplorerRow> rows =
                org.costExplorer().resultRows("services", LocalDate.parse("2026-08-01"), LocalDate.parse("2026-12-01"));

        Map<LocalDate, String> invoiceOfMonth = new HashMap<>();
        List<String> invoiceIds = org.invoiceIds();
        for (int i = 0; i < invoiceIds.size(); i++) {
            invoiceOfMonth.put(LocalDate.parse("2026-08-01").plusMonths(i), invoiceIds.get(i));
        }
        assertThat(rows).isNotEmpty();
        assertThat(rows).extracting(CostExplorerRow::usageDate).isSorted();
        TreeSet<LocalDate> months =
                rows.stream().map(CostExplorerRow::usageDate).collect(Collectors.toCollection(TreeSet::new));
        assertThat(months)
                .containsExactly(
                        LocalDate.parse("2026-08-01"),
                        LocalDate.parse("2026-09-01"),
                        LocalDate.parse("2026-10-01"),
                        LocalDate.parse("2026-11-01"));
        for (CostExplorerRow row : rows) {
            assertThat(row.invoiceId()).isEqualTo(invoiceOfMonth.get(row.usageDate()));
            assertThat(row.organizationId()).isEqualTo(ORG);
            assertThat(row.organizationName()).isEqualTo("Acme Billing");
            assertThat(row.service()).isIn(SimulatedCostExplorer.services());
            assertThat(row.projectId()).isNull();
            assertThat(row.clusterId()).isNull();
            assertThat(row.usageAmount().scale()).isBetween(0, 6);
            assertThat(row.usageAmount()).isPositive();
        }
        Set<Integer> scales =
                rows.stream().map(row -> row.usageAmount().scale()).collect(Collectors.toSet());
        assertThat(scales).as("amounts come with varied scales").hasSizeGreaterThan(2);
        assertThat(rows.stream().map(CostExplorerRow::service).distinct())
                .contains("Clusters", "Storage", "Data Transfer", "Backup");

        assertThat(org.costExplorer()
                        .resultRows("services", LocalDate.parse("2026-09-01"), LocalDate.parse("2026-10-01")))
                .isEqualTo(rows.stream()
                        .filter(row -> row.usageDate().equals(LocalDate.parse("2026-09-01")))
                        .toList());
    }

    @Test
    void groupsByProjectOrClusterWithTheSameTotals() {
        LocalDate start = LocalDate.parse("2026-08-01");
        LocalDate end = LocalDate.parse("2026-12-01");
        List<CostExplorerRow> byService = org.costExplorer().resultRows("services", start, end);
        List<CostExplorerRow> byProject = org.costExplorer().resultRows("projects", start, end);
        List<CostExplorerRow> byCluster = org.costExplorer().resultRows("clusters", start, end);
        List<CostExplorerRow> byClusterWithPartials = org.costExplorer()
                .resultRows(new CostExplorerQuery(
                        start, end, List.of(ORG), null, org.costExplorer().clusterIds(), null, "clusters", true));

        assertThat(byProject).allSatisfy(row -> {
            assertThat(row.projectId()).isIn(org.groupIds());
            assertThat(row.projectName()).isNotBlank();
            assertThat(row.clusterId()).isNull();
        });
        assertThat(byCluster).allSatisfy(row -> {
            assertThat(row.clusterId())
                    .isIn(org.costExplorer().clusterIds())
                    .startsWith(row.projectId().substring(0, 8));
            assertThat(row.clusterName()).isNotBlank();
        });
        assertThat(org.costExplorer().clusterIds()).allMatch(id -> id.matches("[0-9a-f]{24}"));
        assertThat(byClusterWithPartials)
                .filteredOn(row -> row.clusterId() == null)
                .isNotEmpty()
                .allSatisfy(row -> assertThat(row.service()).isIn("App Services"));
        assertThat(byProject.size()).isGreaterThan(byService.size());
        // Sums of 6-decimal roundings: equal to within a micro-dollar per row.
        BigDecimal total = total(byService);
        assertThat(total(byProject).subtract(total).abs()).isLessThanOrEqualTo(tolerance(byProject));
        assertThat(total(byClusterWithPartials).subtract(total).abs())
                .isLessThanOrEqualTo(tolerance(byClusterWithPartials));
        assertThat(total(byCluster)).isLessThan(total(byClusterWithPartials));

        String project = byProject.stream()
                .filter(row -> row.service().equals("Clusters"))
                .toList()
                .get(byProject.size() % 2)
                .projectId();
        assertThat(org.costExplorer()
                        .resultRows(new CostExplorerQuery(
                                start,
                                end,
                                List.of(ORG),
                                List.of(project),
                                null,
                                List.of("Clusters"),
                                "projects",
                                false)))
                .isNotEmpty()
                .allSatisfy(row -> {
                    assertThat(row.projectId()).isEqualTo(project);
                    assertThat(row.service()).isEqualTo("Clusters");
                });
        assertThat(org.costExplorer()
                        .resultRows(new CostExplorerQuery(
                                start, end, List.of("0123456789abcdef01234567"), null, null, null, null, false)))
                .isEmpty();
    }

    @Test
    void sameSeedSameRowsAndTheResultIsTakenWhenTheQueryIsCreated() throws Exception {
        LocalDate start = LocalDate.parse("2026-08-01");
        LocalDate end = LocalDate.parse("2026-12-01");
        try (AtlasSimulator twin = AtlasSimulator.start(NOV_21)) {
            SimulatedOrg same = twin.addOrg(ORG, "Acme Billing", 42, 15);
            assertThat(same.costExplorer().resultRows("clusters", start, end))
                    .isEqualTo(org.costExplorer().resultRows("clusters", start, end));
            assertThat(same.invoiceIds()).isEqualTo(org.invoiceIds());
        }

        org.costExplorer().notReadyPolls(0);
        String token = createToken();
        List<CostExplorerRow> before = org.costExplorer().resultRows(token);
        org.addDay();
        assertThat(org.costExplorer().resultRows(token)).isEqualTo(before);
        assertThat(org.costExplorer().resultRows(org.costExplorer().query(token)))
                .isNotEqualTo(before);
        assertThat(JSON.readTree(poll(token, JSON_TYPE).body()))
                .isEqualTo(org.costExplorer().resultJson(token));
    }

    // --- helpers

    private static List<Throwable> causes(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static BigDecimal total(List<CostExplorerRow> rows) {
        return rows.stream().map(CostExplorerRow::usageAmount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static BigDecimal tolerance(List<CostExplorerRow> rows) {
        return new BigDecimal("0.000001").multiply(BigDecimal.valueOf(rows.size()));
    }

    private int status(reactor.netty.http.client.HttpClient client, String path) {
        return client.get()
                .uri(path)
                .responseSingle((response, body) -> body.asString()
                        .defaultIfEmpty("")
                        .thenReturn(response.status().code()))
                .block(Duration.ofSeconds(5));
    }

    private String body(reactor.netty.http.client.HttpClient client, String path) {
        return client.get()
                .uri(path)
                .responseSingle((response, body) -> body.asString())
                .block(Duration.ofSeconds(5));
    }

    private List<Integer> statusesOf(String path) {
        return simulator.requests().stream()
                .filter(r -> r.path().equals(path))
                .map(RecordedRequest::status)
                .toList();
    }

    private String createToken() throws Exception {
        HttpResponse<String> response = post(QUERY, JSON_TYPE, JSON_TYPE);
        assertThat(response.statusCode()).isEqualTo(202);
        return JSON.readTree(response.body()).get("token").asString();
    }

    private HttpResponse<String> post(String body, String contentType, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(USAGE))
                .header("Authorization", bearer)
                .header("Accept", accept)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    private HttpResponse<String> poll(String token, String accept) throws Exception {
        return send(HttpRequest.newBuilder(uri(USAGE + "/" + token))
                .header("Authorization", bearer)
                .header("Accept", accept)
                .GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(
                request.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private String accessToken() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/oauth/token"))
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                (CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body()).get("access_token").asString();
    }

    private URI uri(String pathAndQuery) {
        return simulator.baseUrl().resolve(pathAndQuery);
    }

    record RawResponse(String statusLine, Map<String, String> headers, byte[] body) {}

    /** HTTP/1.1 by hand on one socket, to see exactly which bytes come back and when. */
    private final class RawConnection implements AutoCloseable {

        private final Socket socket;
        private final InputStream in;

        RawConnection() throws IOException {
            socket = new Socket("127.0.0.1", simulator.baseUrl().getPort());
            socket.setSoTimeout(5_000);
            in = socket.getInputStream();
        }

        void get(String path, String accept) throws IOException {
            socket.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + bearer + "\r\nAccept: "
                                    + accept + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        }

        byte[] readExactly(int count) throws IOException {
            return in.readNBytes(count);
        }

        int read() throws IOException {
            return in.read();
        }

        /** Whether no byte (and no close) arrives within {@code time}. */
        boolean silentFor(Duration time) throws IOException {
            socket.setSoTimeout((int) time.toMillis());
            try {
                in.read();
                return false;
            } catch (SocketTimeoutException expected) {
                return true;
            } finally {
                socket.setSoTimeout(5_000);
            }
        }

        RawResponse readResponse() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed after " + head.size() + " bytes of the head");
                }
                head.write(b);
            }
            List<String> lines = new ArrayList<>(
                    List.of(head.toString(StandardCharsets.ISO_8859_1).split("\r\n")));
            String statusLine = lines.remove(0);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : lines) {
                int colon = line.indexOf(':');
                headers.put(
                        line.substring(0, colon).strip().toLowerCase(),
                        line.substring(colon + 1).strip());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            return new RawResponse(statusLine, headers, in.readNBytes(length));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
