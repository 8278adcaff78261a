package dev.billingsync.atlas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.simulator.CostExplorerRow;
import dev.billingsync.simulator.Fault;
import dev.billingsync.simulator.NotReadyForm;
import dev.billingsync.simulator.RecordedRequest;
import dev.billingsync.simulator.SimulatedCostExplorer;
import dev.billingsync.simulator.SimulatedOrg;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Cost Explorer calls of {@link AtlasOrgSession} against the Atlas simulator: the query, every "not ready" wire
 * form (and the request after it, which must get its own answer), results in both formats, retries, and the request
 * body against the official spec.
 */
class AtlasCostExplorerClientTests {

    static final String ORG = "5f1a2b3c4d5e6f7a8b9c0d1e";
    static final String CLIENT_ID = "mdb_sa_id_0123456789abcdef";
    static final String CLIENT_SECRET = "mdb_sa_sk_s3cr3t-value";
    static final Clock NOV_21 = Clock.fixed(Instant.parse("2026-11-21T09:00:00Z"), ZoneOffset.UTC);
    static final LocalDate START = LocalDate.parse("2026-08-01");
    static final LocalDate END = LocalDate.parse("2026-12-01");
    static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);
    static final String USAGE = "/api/atlas/v2/orgs/" + ORG + "/billing/costExplorer/usage";
    static final String V2023_JSON = "application/vnd.atlas.2023-01-01+json";
    static final Path SPEC = Path.of("../shared/atlas-openapi/atlas-admin-api-v2.yaml");
    static final JsonMapper JSON = JsonMapper.builder().build();

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final AtlasCostExplorerReader reader = new AtlasCostExplorerReader();

    @TempDir
    Path spool;

    AtlasSimulator simulator;
    SimulatedOrg org;
    AtlasClient client;
    AtlasOrgSession session;

    @BeforeEach
    void start() {
        simulator = AtlasSimulator.start(NOV_21);
        simulator.addServiceAccount(CLIENT_ID, CLIENT_SECRET);
        org = simulator.addOrg(ORG, "Acme Billing", 42, 15);
        client = new AtlasClient(properties(), WebClient.builder(), meters);
        session = client.session(ORG, new AtlasCredentials.ServiceAccount(CLIENT_ID, CLIENT_SECRET));
    }

    @AfterEach
    void stop() {
        client.destroy();
        simulator.close();
    }

    AtlasProperties properties() {
        return new AtlasProperties(
                simulator.baseUrl(),
                null,
                null,
                null,
                null,
                new AtlasProperties.Timeouts(
                        Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(30), POLL_TIMEOUT),
                new AtlasProperties.Retry(5, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(5)),
                new AtlasProperties.Versions("2023-01-01", "2023-01-01"),
                spool);
    }

    // --- the query

    @Test
    void createsAQueryWithTheVersionedTypesAndABodyWithoutNulls() {
        String token = session.costExplorer()
                .createCostExplorerQuery(
                        new CostExplorerRequest(START, END, List.of(ORG), null, null, null, null, null));

        assertThat(token).matches("[0-9a-f]{64}");
        assertThat(org.costExplorer().requestBody(token))
                .isEqualTo("{\"startDate\":\"2026-08-01\",\"endDate\":\"2026-12-01\",\"organizations\":[\"" + ORG
                        + "\"]}");
        RecordedRequest post = apiRequests().get(0);
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.path()).isEqualTo(USAGE);
        assertThat(post.header("Accept")).isEqualTo(V2023_JSON);
        assertThat(post.header("Content-Type")).isEqualTo(V2023_JSON);
        assertThat(post.header("Authorization")).isEqualTo("Bearer");
        assertThat(session.requestCount()).isEqualTo(1);
    }

    @Test
    void sendsEveryFieldThatIsSetAndNothingElse() throws Exception {
        String token = session.costExplorer()
                .createCostExplorerQuery(new CostExplorerRequest(
                        START,
                        END,
                        List.of(ORG),
                        org.groupIds(),
                        List.of(),
                        List.of("Cloud Manager Standard/Premium", "Clusters"),
                        "projects",
                        false));

        JsonNode body = JSON.readTree(org.costExplorer().requestBody(token));
        assertThat(body.propertyNames())
                .containsExactly(
                        "startDate",
                        "endDate",
                        "organizations",
                        "projects",
                        "clusters",
                        "services",
                        "groupBy",
                        "includePartialMatches");
        assertThat(body.get("services").get(0).asString()).isEqualTo("Cloud Manager Standard/Premium");
        assertThat(body.get("clusters").isEmpty()).isTrue();
        assertThat(body.get("includePartialMatches").booleanValue()).isFalse();
    }

    @Test
    void throwsTheValidationErrorOfAnInvalidQueryWithoutRetrying() {
        AtlasApiException e = catchThrowableOfType(
                AtlasApiException.class,
                () -> session.costExplorer()
                        .createCostExplorerQuery(
                                new CostExplorerRequest(START, END, List.of(ORG), null, null, null, "projects", null)));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.errorCode()).isEqualTo("VALIDATION_ERROR");
        assertThat(session.requestCount()).isEqualTo(1);
        assertThat(org.costExplorer().tokens()).isEmpty();
    }

    @Test
    void retriesTheQueryOn503() {
        simulator.enqueueFault(ORG, Fault.status(503));

        String token = session.costExplorer()
                .createCostExplorerQuery(
                        new CostExplorerRequest(START, END, List.of(ORG), null, null, null, null, null));

        assertThat(org.costExplorer().tokens()).containsExactly(token);
        assertThat(session.retryCount()).isEqualTo(1);
        assertThat(session.requestCount()).isEqualTo(2);
    }

    // --- not ready

    /**
     * The 102 forms are the same bytes until the client acts on the 102, and Reactor Netty reports the 102 at once in
     * each: STATUS_102 well within the poll timeout. The connection that carried it is never reused, so the next
     * request gets its own answer, not a late one meant for the poll, and does not hang on a server that is still
     * "processing".
     */
    @ParameterizedTest
    @EnumSource(
            value = NotReadyForm.class,
            names = {"FINAL_102", "INTERIM_102_THEN_SILENCE", "INTERIM_102_THEN_CLOSE", "INTERIM_102_THEN_RESULT"})
    void reportsEach102FormAsStatus102AtOnceAndTheNextRequestGetsItsOwnAnswer(NotReadyForm form) throws Exception {
        org.costExplorer().notReadyPolls(1).notReadyForm(form);
        String token = createServicesQuery();

        long started = System.nanoTime();
        CostExplorerPoll first = session.costExplorer().pollCostExplorerQuery(token, CostExplorerFormat.JSON);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(first).isEqualTo(new CostExplorerPoll.Processing(NotReadySignal.STATUS_102));
        assertThat(took).isLessThan(POLL_TIMEOUT);
        assertNextRequestsGetTheirOwnAnswers(token);
        assertThat(session.retryCount()).isZero();
        assertThat(session.requestCount()).isEqualTo(4);
        assertThat(polls("STATUS_102")).isEqualTo(1);
        assertThat(polls("READY")).isEqualTo(1);
        assertConnectionOfFirstPollWasNotReused(token);
    }

    @ParameterizedTest
    @CsvSource({"SILENCE, READ_TIMEOUT", "CLOSE, CLOSED", "EMPTY_200, EMPTY_REPLY"})
    void reportsNoAnswerACloseAndAnEmptyReplyAsNotReadyWithoutRetrying(NotReadyForm form, NotReadySignal signal)
            throws Exception {
        org.costExplorer().notReadyPolls(1).notReadyForm(form);
        String token = createServicesQuery();

        long started = System.nanoTime();
        CostExplorerPoll first = session.costExplorer().pollCostExplorerQuery(token, CostExplorerFormat.JSON);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(first).isEqualTo(new CostExplorerPoll.Processing(signal));
        if (signal == NotReadySignal.READ_TIMEOUT) {
            // The poll timeout applies, not the 5 s read timeout.
            assertThat(took).isBetween(POLL_TIMEOUT.minusMillis(50), POLL_TIMEOUT.plusSeconds(2));
        }
        assertThat(org.costExplorer().pollTimes(token)).hasSize(1);
        assertThat(session.retryCount()).isZero();
        assertNextRequestsGetTheirOwnAnswers(token);
        assertThat(polls(signal.name())).isEqualTo(1);
        if (signal != NotReadySignal.EMPTY_REPLY) {
            assertConnectionOfFirstPollWasNotReused(token);
        }
    }

    @Test
    void pollsUntilReadyWithoutWaitingItself() {
        org.costExplorer().notReadyPolls(3).notReadyForm(NotReadyForm.FINAL_102);
        String token = createServicesQuery();

        List<CostExplorerPoll> polls = new ArrayList<>();
        CostExplorerPoll poll;
        do {
            poll = session.costExplorer().pollCostExplorerQuery(token, CostExplorerFormat.CSV);
            polls.add(poll);
        } while (poll instanceof CostExplorerPoll.Processing);

        assertThat(polls).hasSize(4);
        try (AtlasPayload payload = ((CostExplorerPoll.Ready) poll).payload()) {
            assertThat(reader.read(payload, CostExplorerFormat.CSV)).isEqualTo(expected(token));
        }
        List<Instant> times = org.costExplorer().pollTimes(token);
        assertThat(Duration.between(times.get(0), times.get(3))).isLessThan(POLL_TIMEOUT);
    }

    @Test
    void answersUnknownTokenFor404() {
        String token = createServicesQuery();
        org.costExplorer().expireTokens();

        assertThat(session.costExplorer().pollCostExplorerQuery(token, CostExplorerFormat.JSON))
                .isEqualTo(new CostExplorerPoll.UnknownToken());
        assertThat(session.costExplorer().pollCostExplorerQuery("f".repeat(64), CostExplorerFormat.CSV))
                .isEqualTo(new CostExplorerPoll.UnknownToken());
        assertThat(session.retryCount()).isZero();
        assertThat(polls("UNKNOWN_TOKEN")).isEqualTo(2);
    }

    @Test
    void retriesA429OnAPollHonouringRetryAfter() throws Exception {
        org.costExplorer().notReadyPolls(0);
        String token = createServicesQuery();
        simulator.enqueueFault(ORG, Fault.tooManyRequests(Duration.ofSeconds(1)));

        CostExplorerPoll poll = session.costExplorer().pollCostExplorerQuery(token, CostExplorerFormat.JSON);

        assertThat(poll).isInstanceOf(CostExplorerPoll.Ready.class);
        ((CostExplorerPoll.Ready) poll).payload().close();
        List<RecordedRequest> attempts = apiRequests().stream()
                .filter(request -> request.path().equals(USAGE + "/" + token))
                .toList();
        assertThat(attempts).extracting(RecordedRequest::status).containsExactly(429, 200);
        assertThat(Duration.between(
                        attempts.get(0).completedAt(), attempts.get(1).receivedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(session.retryCount()).isEqualTo(1);
        assertThat(session.requestCount()).isEqualTo(3);
        assertThat(polls("READY")).isEqualTo(1);
    }

    @Test
    void anAsyncPollWaitsOutRetryAfterWithoutHoldingTheCallingThread() throws Exception {
        org.costExplorer().notReadyPolls(0);
        String token = session.costExplorer()
                .createCostExplorerQueryAsync(servicesRequest())
                .get(30, TimeUnit.SECONDS);
        simulator.enqueueFault(ORG, Fault.tooManyRequests(Duration.ofSeconds(2)));

        CompletableFuture<CostExplorerPoll> polling =
                session.costExplorer().pollCostExplorerQueryAsync(token, CostExplorerFormat.JSON);

        assertThat(polling)
                .as("the caller is back while the retry waits out Retry-After")
                .isNotDone();
        CostExplorerPoll poll = polling.get(30, TimeUnit.SECONDS);
        assertThat(poll).isInstanceOf(CostExplorerPoll.Ready.class);
        ((CostExplorerPoll.Ready) poll).payload().close();
        List<RecordedRequest> attempts = apiRequests().stream()
                .filter(request -> request.path().equals(USAGE + "/" + token))
                .toList();
        assertThat(attempts).extracting(RecordedRequest::status).containsExactly(429, 200);
        assertThat(Duration.between(
                        attempts.get(0).completedAt(), attempts.get(1).receivedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(1950));
        assertThat(polls("READY")).isEqualTo(1);
    }

    @Test
    void throwsOtherErrorsAfterTheRetries() {
        String token = createServicesQuery();
        simulator.failAlways(ORG, 500);

        AtlasApiException e = catchThrowableOfType(
                AtlasApiException.class,
                () -> session.costExplorer().pollCostExplorerQuery(token, CostExplorerFormat.JSON));

        assertThat(e.status()).isEqualTo(500);
        assertThat(session.requestCount()).isEqualTo(1 + 5);
    }

    // --- results

    @ParameterizedTest
    @ValueSource(strings = {"services", "projects", "clusters", "organizations"})
    void readsJsonAndCsvResultsIntoTheSameRows(String groupBy) {
        org.costExplorer().notReadyPolls(0);
        String token = session.costExplorer()
                .createCostExplorerQuery(new CostExplorerRequest(
                        START,
                        END,
                        List.of(ORG),
                        groupBy.equals("projects") ? org.groupIds() : null,
                        groupBy.equals("clusters") ? org.costExplorer().clusterIds() : null,
                        groupBy.equals("services") ? SimulatedCostExplorer.services() : null,
                        groupBy,
                        null));

        List<AtlasUsageDetail> fromJson = readResult(token, CostExplorerFormat.JSON);
        List<AtlasUsageDetail> fromCsv = readResult(token, CostExplorerFormat.CSV);

        assertThat(fromJson).isNotEmpty().isEqualTo(fromCsv).isEqualTo(expected(token));
        assertThat(org.costExplorer().resultRows(groupBy, START, END)).hasSameSizeAs(fromJson);
        assertThat(fromJson)
                .allSatisfy(row -> assertThat(row.usageDate().getDayOfMonth()).isEqualTo(1));
        if (!groupBy.equals("clusters")) {
            assertThat(fromJson).allSatisfy(row -> assertThat(row.clusterId()).isNull());
        }
    }

    // --- the request body against the official spec

    @Test
    void requestBodiesMatchTheSpecSchema() throws Exception {
        if (!Files.exists(SPEC)) {
            Assumptions.abort("Atlas OpenAPI spec not found at " + SPEC.toAbsolutePath() + ": schema check skipped");
        }
        Map<String, Object> schema = OpenApiSchemaCheck.load(SPEC, "CostExplorerFilterRequestBody");
        String project = org.groupIds().get(0);
        String cluster = org.costExplorer().clusterIds().get(0);
        List<CostExplorerRequest> requests = List.of(
                new CostExplorerRequest(START, END, List.of(ORG), null, null, null, null, null),
                new CostExplorerRequest(START, END, List.of(ORG), null, null, null, "organizations", false),
                new CostExplorerRequest(START, END, List.of(ORG), List.of(project), null, null, "projects", null),
                new CostExplorerRequest(START, END, List.of(ORG), null, List.of(cluster), null, "clusters", true),
                new CostExplorerRequest(
                        START,
                        END,
                        List.of(ORG),
                        List.of(project),
                        List.of(cluster),
                        SimulatedCostExplorer.services(),
                        "services",
                        false));

        for (CostExplorerRequest request : requests) {
            String token = session.costExplorer().createCostExplorerQuery(request);
            JsonNode body = JSON.readTree(org.costExplorer().requestBody(token));
            assertThat(OpenApiSchemaCheck.violations(schema, body))
                    .as("%s", body)
                    .isEmpty();
        }
        assertThat(OpenApiSchemaCheck.violations(
                        schema,
                        JSON.readTree("{\"startDate\":\"2026-08-01\",\"projects\":null,"
                                + "\"groupBy\":\"skus\",\"services\":[\"AI Models\"],\"extra\":1}")))
                .as("the check itself finds faults")
                .hasSize(5);
    }

    // --- configuration

    @Test
    void bindsThePollTimeoutWithA20SecondDefault() {
        AtlasProperties defaults = bind(Map.of());
        AtlasProperties custom = bind(Map.of("billing.atlas.timeouts.poll", "3s", "billing.atlas.timeouts.read", "7s"));

        assertThat(defaults.timeouts().poll()).isEqualTo(Duration.ofSeconds(20));
        assertThat(defaults.timeouts())
                .isEqualTo(new AtlasProperties.Timeouts(
                        Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(15)));
        assertThat(custom.timeouts().poll()).isEqualTo(Duration.ofSeconds(3));
        assertThat(custom.timeouts().read()).isEqualTo(Duration.ofSeconds(7));
    }

    // --- helpers

    private static AtlasProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("billing.atlas", AtlasProperties.class);
    }

    private String createServicesQuery() {
        return session.costExplorer().createCostExplorerQuery(servicesRequest());
    }

    private static CostExplorerRequest servicesRequest() {
        return new CostExplorerRequest(
                START, END, List.of(ORG), null, null, SimulatedCostExplorer.services(), "services", null);
    }

    /** A normal request gets exactly its own bytes at once, then the poll that follows gets the result. */
    private void assertNextRequestsGetTheirOwnAnswers(String token) throws Exception {
        long started = System.nanoTime();
        try (AtlasInvoiceDownload pending = session.pendingInvoices()) {
            assertThat(Files.readAllBytes(pending.file())).isEqualTo(org.pendingInvoicesResponseBytes());
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(POLL_TIMEOUT);
        assertThat(readResult(token, CostExplorerFormat.JSON)).isEqualTo(expected(token));
    }

    /**
     * The connection that carried the first (not ready) poll closed at once instead of going back to the pool (where
     * it would sit for 20 s), and the next request went over another one.
     */
    private void assertConnectionOfFirstPollWasNotReused(String token) {
        await().atMost(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> assertThat(firstPoll(token).connectionClosedAt()).isNotNull());
        RecordedRequest pending = apiRequests().stream()
                .filter(request -> request.path().endsWith("/invoices/pending"))
                .findFirst()
                .orElseThrow();
        assertThat(pending.connection()).isNotEqualTo(firstPoll(token).connection());
    }

    private RecordedRequest firstPoll(String token) {
        return apiRequests().stream()
                .filter(request -> request.path().equals(USAGE + "/" + token))
                .findFirst()
                .orElseThrow();
    }

    private List<AtlasUsageDetail> readResult(String token, CostExplorerFormat format) {
        CostExplorerPoll poll = session.costExplorer().pollCostExplorerQuery(token, format);
        assertThat(poll).isInstanceOf(CostExplorerPoll.Ready.class);
        CostExplorerPoll.Ready ready = (CostExplorerPoll.Ready) poll;
        assertThat(ready.format()).isEqualTo(format);
        try (AtlasPayload payload = ready.payload()) {
            return reader.read(payload, format);
        }
    }

    private List<AtlasUsageDetail> expected(String token) {
        return org.costExplorer().resultRows(token).stream()
                .map(AtlasCostExplorerClientTests::detail)
                .toList();
    }

    static AtlasUsageDetail detail(CostExplorerRow row) {
        return new AtlasUsageDetail(
                row.invoiceId(),
                row.organizationId(),
                row.organizationName(),
                row.projectId(),
                row.projectName(),
                row.clusterName(),
                row.clusterId(),
                row.service(),
                row.usageAmount(),
                row.usageDate());
    }

    private List<RecordedRequest> apiRequests() {
        return simulator.requests().stream()
                .filter(request -> request.path().startsWith("/api/atlas/v2/"))
                .toList();
    }

    private double polls(String signal) {
        var counter = meters.find(AtlasMetrics.COST_EXPLORER_POLLS)
                .tag("signal", signal)
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
