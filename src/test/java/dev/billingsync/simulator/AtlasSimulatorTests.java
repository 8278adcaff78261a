package dev.billingsync.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AtlasSimulatorTests {

    private static final String ORG = "5f1a2b3c4d5e6f7a8b9c0d1e";
    private static final String OTHER_ORG = "6a0b1c2d3e4f5a6b7c8d9e0f";
    private static final String CLIENT_ID = "mdb_sa_id_0123456789abcdef";
    private static final String CLIENT_SECRET = "mdb_sa_sk_s3cr3t-value";
    private static final String PUBLIC_KEY = "abcdefgh";
    private static final String PRIVATE_KEY = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    private static final String V2023 = "application/vnd.atlas.2023-01-01+json";
    private static final String PENDING = "/api/atlas/v2/orgs/" + ORG + "/invoices/pending";
    private static final Clock NOV_21 = Clock.fixed(Instant.parse("2026-11-21T09:00:00Z"), ZoneOffset.UTC);
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private AtlasSimulator simulator;
    private SimulatedOrg org;
    private HttpClient http;

    @BeforeEach
    void startSimulator() {
        simulator = AtlasSimulator.start(NOV_21);
        simulator.addServiceAccount(CLIENT_ID, CLIENT_SECRET);
        simulator.addApiKey(PUBLIC_KEY, PRIVATE_KEY);
        org = simulator.addOrg(ORG, "Acme Billing", 42, 15);
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterEach
    void stopSimulator() {
        simulator.close();
    }

    @Test
    void issuesTokensForClientCredentialsAndAcceptsThemAsBearer() throws Exception {
        HttpResponse<byte[]> tokenResponse = requestToken(CLIENT_ID, CLIENT_SECRET);

        assertThat(tokenResponse.statusCode()).isEqualTo(200);
        assertThat(tokenResponse.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode token = json(tokenResponse);
        assertThat(token.get("token_type").asString()).isEqualTo("Bearer");
        assertThat(token.get("expires_in").asLong()).isEqualTo(3600);
        assertThat(token.get("access_token").asString()).isNotBlank();
        assertThat(simulator.tokensIssued()).isEqualTo(1);

        HttpResponse<byte[]> pending = get(
                PENDING, "Authorization", "Bearer " + token.get("access_token").asString(), "Accept", V2023);
        assertThat(pending.statusCode()).isEqualTo(200);
        assertThat(pending.headers().firstValue("Content-Type")).hasValue(V2023);
        assertThat(pending.headers().firstValue("RateLimit-Limit")).hasValue("500");
        assertThat(pending.headers().firstValue("RateLimit-Remaining")).hasValue("499");
    }

    @Test
    void rejectsBadClientCredentialsWithOAuthError() throws Exception {
        HttpResponse<byte[]> response = requestToken(CLIENT_ID, "wrong-secret");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json(response).get("error").asString()).isEqualTo("invalid_client");
        assertThat(simulator.tokensIssued()).isZero();

        HttpResponse<byte[]> wrongGrant = http.send(
                HttpRequest.newBuilder(uri("/api/oauth/token"))
                        .header("Authorization", basic(CLIENT_ID, CLIENT_SECRET))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=password"))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(wrongGrant.statusCode()).isEqualTo(400);
        assertThat(json(wrongGrant).get("error").asString()).isEqualTo("unsupported_grant_type");
    }

    @Test
    void rejectsMissingRevokedAndExpiredBearerTokens() throws Exception {
        HttpResponse<byte[]> anonymous = get(PENDING, "Accept", V2023);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(challenge -> assertThat(challenge)
                        .matches("Digest realm=\"MMS Public API\", domain=\"\", nonce=\"[^\"]+\", algorithm=MD5,"
                                + " qop=\"auth\", stale=false"));
        JsonNode error = json(anonymous);
        assertThat(error.get("error").asInt()).isEqualTo(401);
        assertThat(error.get("errorCode").asString()).isEqualTo("UNAUTHORIZED");
        assertThat(error.get("reason").asString()).isEqualTo("Unauthorized");

        String revoked = accessToken();
        assertThat(get(PENDING, "Authorization", "Bearer " + revoked, "Accept", V2023)
                        .statusCode())
                .isEqualTo(200);
        simulator.revokeAllTokens();
        assertThat(get(PENDING, "Authorization", "Bearer " + revoked, "Accept", V2023)
                        .statusCode())
                .isEqualTo(401);

        simulator.tokenLifetime(Duration.ofMillis(400));
        String shortLived = accessToken();
        assertThat(get(PENDING, "Authorization", "Bearer " + shortLived, "Accept", V2023)
                        .statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(3))
                .until(() -> get(PENDING, "Authorization", "Bearer " + shortLived, "Accept", V2023)
                                .statusCode()
                        == 401);
        assertThat(simulator.tokensIssued()).isEqualTo(2);
    }

    @Test
    void answers406UnlessTheExactVersionIsAccepted() throws Exception {
        String bearer = "Bearer " + accessToken();

        for (HttpResponse<byte[]> refused : List.of(
                get(PENDING, "Authorization", bearer),
                get(PENDING, "Authorization", bearer, "Accept", "application/json"),
                get(PENDING, "Authorization", bearer, "Accept", "application/vnd.atlas.2025-03-12+json"))) {
            assertThat(refused.statusCode()).isEqualTo(406);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode error = json(refused);
            assertThat(error.get("error").asInt()).isEqualTo(406);
            assertThat(error.get("errorCode").asString()).isEqualTo("INVALID_VERSION_DATE");
            assertThat(error.get("reason").asString()).isEqualTo("Not Acceptable");
        }

        HttpResponse<byte[]> listed = get(
                PENDING,
                "Authorization",
                bearer,
                "Accept",
                "application/json, application/vnd.atlas.2023-01-01+json;q=0.9");
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.headers().firstValue("Content-Type")).hasValue(V2023);
    }

    @Test
    void servesPendingInvoicesAsPaginatedViewOfFullInvoices() throws Exception {
        HttpResponse<byte[]> response = authorizedGet(PENDING);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(org.pendingInvoicesResponseBytes());
        JsonNode page = json(response);
        assertThat(page.get("totalCount").asInt()).isEqualTo(1);
        assertThat(page.get("links").get(0).get("rel").asString()).isEqualTo("self");
        assertThat(page.get("links").get(0).get("href").asString()).isEqualTo(simulator.baseUrl() + PENDING);
        assertThat(page.get("results")).hasSize(1);

        JsonNode invoice = page.get("results").get(0);
        assertThat(invoice.get("id").asString()).matches("[a-f0-9]{24}").isEqualTo(org.pendingInvoiceId());
        assertThat(invoice.get("orgId").asString()).isEqualTo(ORG);
        assertThat(invoice.get("statusName").asString()).isEqualTo("PENDING");
        assertThat(invoice.get("startDate").asString()).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(invoice.get("endDate").asString()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(invoice.get("updated").asString()).matches("2026-11-2\\dT\\d\\d:\\d\\d:\\d\\dZ");
        for (String cents : List.of(
                "amountBilledCents",
                "amountPaidCents",
                "creditsCents",
                "salesTaxCents",
                "subtotalCents",
                "startingBalanceCents")) {
            assertThat(invoice.get(cents).isIntegralNumber()).as(cents).isTrue();
        }
        assertThat(invoice.get("links").get(0).get("href").asString())
                .endsWith("/api/atlas/v2/orgs/" + ORG + "/invoices/" + org.pendingInvoiceId());
        assertThat(invoice.has("futureField")).isTrue();
        assertThat(invoice.get("linkedInvoices")).isNotEmpty();
        assertThat(invoice.get("linkedInvoices").get(0).get("orgId").asString()).isNotEqualTo(ORG);

        JsonNode lines = invoice.get("lineItems");
        assertThat(org.usageDays()).isEqualTo(20);
        assertThat(lines).hasSize(20 * 15);
        long subtotal = 0;
        long discounts = 0;
        List<String> seenFields = new ArrayList<>();
        for (JsonNode line : lines) {
            assertThat(line.get("totalPriceCents").isIntegralNumber()).isTrue();
            assertThat(line.get("quantity").isNumber()).isTrue();
            assertThat(line.get("groupId").asString()).matches("[a-f0-9]{24}");
            assertThat(line.get("sku").asString()).matches("[A-Z0-9_]+");
            BigDecimal gross = line.get("quantity")
                    .decimalValue()
                    .multiply(line.get("unitPriceDollars").decimalValue())
                    .movePointRight(2);
            assertThat(BigDecimal.valueOf(line.get("totalPriceCents").asLong())
                            .subtract(gross)
                            .abs())
                    .isLessThanOrEqualTo(new BigDecimal("0.5"));
            if (line.has("tags")) {
                line.get("tags").properties().forEach(tag -> {
                    assertThat(tag.getValue().isArray()).isTrue();
                    tag.getValue().forEach(value -> assertThat(value.isString()).isTrue());
                });
            }
            line.propertyNames().forEach(seenFields::add);
            subtotal += line.get("totalPriceCents").asLong();
            discounts += line.has("discountCents") ? line.get("discountCents").asLong() : 0;
        }
        assertThat(seenFields)
                .contains(
                        "discountCents",
                        "percentDiscount",
                        "tierLowerBound",
                        "tierUpperBound",
                        "stitchAppName",
                        "note",
                        "cloudProvider",
                        "futureField",
                        "tags",
                        "clusterName");
        assertThat(lines.valueStream().filter(line -> !line.has("tags"))).isNotEmpty();
        assertThat(lines.valueStream()
                        .filter(line -> line.has("tags") && line.get("tags").isEmpty()))
                .isNotEmpty();
        assertThat(lines.valueStream()
                        .filter(line -> line.has("tags") && line.get("tags").size() > 1))
                .isNotEmpty();
        assertThat(lines.valueStream().filter(line -> !line.has("cloudProvider")))
                .isNotEmpty();
        assertThat(invoice.get("subtotalCents").asLong()).isEqualTo(subtotal);
        assertThat(invoice.get("amountBilledCents").asLong()).isEqualTo(subtotal - discounts);
    }

    @Test
    void writesDecimalsWithTheirExactDigits() throws Exception {
        byte[] body = authorizedGet(PENDING).body();
        String text = new String(body, StandardCharsets.UTF_8);

        assertThat(text).doesNotContainPattern("\"(quantity|unitPriceDollars)\":-?[0-9.]+[eE]");
        Matcher quantities = Pattern.compile("\"quantity\":([0-9.]+)").matcher(text);
        List<String> written = new ArrayList<>();
        while (quantities.find()) {
            written.add(quantities.group(1));
        }
        JsonNode invoice = JSON.readTree(body).get("results").get(0);
        List<String> parsed = new ArrayList<>();
        invoice.get("lineItems")
                .forEach(line -> parsed.add(line.get("quantity").decimalValue().toPlainString()));
        invoice.get("linkedInvoices")
                .forEach(linked -> linked.get("lineItems")
                        .forEach(line ->
                                parsed.add(line.get("quantity").decimalValue().toPlainString())));
        assertThat(parsed).isEqualTo(written);
        assertThat(written).anyMatch(value -> !value.contains(".")).anyMatch(value -> value.matches("\\d+\\.\\d{3,}"));
        assertThat(new String(org.invoiceResponseBytes(org.invoiceIds().get(0)), StandardCharsets.UTF_8))
                .contains("\"unitPrice\":\"1.0000\"");
    }

    @Test
    void rendersUnchangedStateByteForByte() throws Exception {
        byte[] first = authorizedGet(PENDING).body();
        byte[] second = authorizedGet(PENDING).body();
        String invoicePath = "/api/atlas/v2/orgs/" + ORG + "/invoices/" + org.pendingInvoiceId();

        assertThat(second).isEqualTo(first);
        assertThat(authorizedGet(invoicePath).body())
                .isEqualTo(authorizedGet(invoicePath).body());

        try (AtlasSimulator twin = AtlasSimulator.start(NOV_21)) {
            SimulatedOrg same = twin.addOrg(ORG, "Acme Billing", 42, 15);
            String ours = new String(first, StandardCharsets.UTF_8)
                    .replace(simulator.baseUrl().toString(), "");
            String theirs = new String(same.pendingInvoicesResponseBytes(), StandardCharsets.UTF_8)
                    .replace(twin.baseUrl().toString(), "");
            assertThat(theirs).isEqualTo(ours);
            assertThat(same.invoiceIds()).isEqualTo(org.invoiceIds());
        }
    }

    @Test
    void addDayPostsAnotherDayOfLineItems() throws Exception {
        JsonNode before = json(authorizedGet(PENDING)).get("results").get(0);
        long version = org.version();

        org.addDay();

        JsonNode after = json(authorizedGet(PENDING)).get("results").get(0);
        assertThat(after.get("id")).isEqualTo(before.get("id"));
        assertThat(after.get("lineItems")).hasSize(before.get("lineItems").size() + 15);
        assertThat(after.get("amountBilledCents").asLong())
                .isGreaterThan(before.get("amountBilledCents").asLong());
        assertThat(Instant.parse(after.get("updated").asString()))
                .isAfter(Instant.parse(before.get("updated").asString()));
        JsonNode newest = after.get("lineItems").get(after.get("lineItems").size() - 1);
        assertThat(newest.get("startDate").asString()).isEqualTo("2026-11-21T00:00:00Z");
        assertThat(newest.get("endDate").asString()).isEqualTo("2026-11-22T00:00:00Z");
        assertThat(newest.get("created").asString()).startsWith("2026-11-22T");
        assertThat(org.version()).isGreaterThan(version);
        assertThat(org.pendingInvoicesResponse()).isEqualTo(json(authorizedGet(PENDING)));
    }

    @Test
    void changeAmountsRebillsExistingLines() throws Exception {
        JsonNode before = org.pendingInvoicesResponse().get("results").get(0);

        org.changeAmounts();

        JsonNode after = json(authorizedGet(PENDING)).get("results").get(0);
        assertThat(after.get("lineItems")).hasSize(before.get("lineItems").size());
        assertThat(after.get("lineItems")).isNotEqualTo(before.get("lineItems"));
        assertThat(after.get("subtotalCents")).isNotEqualTo(before.get("subtotalCents"));
        assertThat(Instant.parse(after.get("updated").asString()))
                .isAfter(Instant.parse(before.get("updated").asString()));
    }

    @Test
    void closePendingInvoiceKeepsItsIdAndOpensTheNextMonth() throws Exception {
        String oldPending = org.pendingInvoiceId();

        String closed = org.closePendingInvoice();

        assertThat(closed).isEqualTo(oldPending);
        assertThat(org.pendingInvoiceId()).isNotEqualTo(closed);
        assertThat(org.invoiceIds()).contains(closed, org.pendingInvoiceId());
        JsonNode pending = json(authorizedGet(PENDING)).get("results").get(0);
        assertThat(pending.get("id").asString()).isEqualTo(org.pendingInvoiceId());
        assertThat(pending.get("statusName").asString()).isEqualTo("PENDING");
        assertThat(pending.get("startDate").asString()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(pending.get("endDate").asString()).isEqualTo("2027-01-01T00:00:00Z");
        assertThat(pending.get("lineItems")).isEmpty();

        JsonNode closedInvoice = json(authorizedGet("/api/atlas/v2/orgs/" + ORG + "/invoices/" + closed));
        assertThat(closedInvoice.get("statusName").asString()).isEqualTo("CLOSED");
        assertThat(closedInvoice.get("lineItems")).hasSize(20 * 15);
        assertThat(closedInvoice.get("payments")).hasSize(1);
        assertThat(closedInvoice.get("payments").get(0).get("statusName").asString())
                .isEqualTo("NEW");

        org.addDay();
        assertThat(org.pendingInvoicesResponse().get("results").get(0).get("lineItems"))
                .hasSize(15);

        org.setInvoiceStatus(closed, "PAID");
        JsonNode paid = org.invoiceResponse(closed);
        assertThat(paid.get("statusName").asString()).isEqualTo("PAID");
        assertThat(paid.get("amountPaidCents").asLong())
                .isEqualTo(paid.get("amountBilledCents").asLong());
        assertThat(paid.get("payments").get(0).get("statusName").asString()).isEqualTo("PAID");
    }

    @Test
    void servesPastInvoicesWithPaymentsRefundsAndLinkedInvoices() throws Exception {
        List<JsonNode> invoices = new ArrayList<>();
        for (String id : org.invoiceIds()) {
            HttpResponse<byte[]> response = authorizedGet("/api/atlas/v2/orgs/" + ORG + "/invoices/" + id);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(org.invoiceResponseBytes(id));
            invoices.add(json(response));
        }

        assertThat(invoices).hasSize(4);
        assertThat(invoices)
                .extracting(invoice -> invoice.get("statusName").asString())
                .containsExactly("PAID", "PAID", "CLOSED", "PENDING");
        assertThat(invoices).anySatisfy(invoice -> {
            assertThat(invoice.get("refunds")).isNotEmpty();
            JsonNode refund = invoice.get("refunds").get(0);
            assertThat(refund.get("amountCents").isIntegralNumber()).isTrue();
            assertThat(refund.get("paymentId").asString())
                    .isEqualTo(invoice.get("payments").get(0).get("id").asString());
            assertThat(refund.get("reason").asString()).isNotBlank();
        });
        assertThat(invoices).anySatisfy(invoice -> {
            assertThat(invoice.get("payments")).isNotEmpty();
            assertThat(invoice.get("linkedInvoices")).isNotEmpty();
            JsonNode payment = invoice.get("payments").get(0);
            assertThat(payment.get("unitPrice").isString()).isTrue();
            assertThat(payment.get("currency").asString()).isEqualTo("USD");
            JsonNode linked = invoice.get("linkedInvoices").get(0);
            assertThat(linked.get("payments")).isNotEmpty();
            assertThat(linked.get("refunds")).isEmpty();
        });

        String closed = org.invoiceIds().get(2);
        long paidBefore = org.invoiceResponse(closed).get("amountPaidCents").asLong();
        org.addRefund(closed);
        JsonNode refunded = org.invoiceResponse(closed);
        assertThat(refunded.get("refunds")).hasSize(1);
        assertThat(refunded.get("creditsCents").asLong()).isPositive();
        assertThat(refunded.get("amountPaidCents").asLong()).isNotEqualTo(paidBefore);
        assertThatThrownBy(() -> org.setInvoiceStatus(org.pendingInvoiceId(), "PAID"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void answers404ForUnknownAnd400ForMalformedIds() throws Exception {
        HttpResponse<byte[]> unknownOrg = authorizedGet("/api/atlas/v2/orgs/" + OTHER_ORG + "/invoices/pending");
        assertThat(unknownOrg.statusCode()).isEqualTo(404);
        assertThat(unknownOrg.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json(unknownOrg).get("errorCode").asString()).isEqualTo("ORG_NOT_FOUND");

        HttpResponse<byte[]> unknownInvoice = authorizedGet("/api/atlas/v2/orgs/" + ORG + "/invoices/" + OTHER_ORG);
        JsonNode error = json(unknownInvoice);
        assertThat(unknownInvoice.statusCode()).isEqualTo(404);
        assertThat(error.get("error").asInt()).isEqualTo(404);
        assertThat(error.get("errorCode").asString()).isEqualTo("INVOICE_NOT_FOUND");
        assertThat(error.get("reason").asString()).isEqualTo("Not Found");
        assertThat(error.get("detail").asString()).contains(OTHER_ORG);
        assertThat(error.get("parameters").isArray()).isTrue();

        HttpResponse<byte[]> malformed = authorizedGet("/api/atlas/v2/orgs/not-an-org-id/invoices/pending");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).get("errorCode").asString()).isEqualTo("INVALID_PARAMETER");
        assertThat(authorizedGet("/api/atlas/v2/orgs/" + ORG + "/invoices/ABC").statusCode())
                .isEqualTo(400);
    }

    @Test
    void wrapsInEnvelopeAndPrettyPrintsOnRequest() throws Exception {
        JsonNode plain = json(authorizedGet(PENDING));

        JsonNode list = json(authorizedGet(PENDING + "?envelope=true"));
        assertThat(list.get("status").asInt()).isEqualTo(200);
        assertThat(list.get("results")).isEqualTo(plain.get("results"));

        String invoicePath = "/api/atlas/v2/orgs/" + ORG + "/invoices/" + org.pendingInvoiceId();
        JsonNode single = json(authorizedGet(invoicePath + "?envelope=true"));
        assertThat(single.get("status").asInt()).isEqualTo(200);
        assertThat(single.get("content")).isEqualTo(plain.get("results").get(0));

        HttpResponse<byte[]> pretty = authorizedGet(PENDING + "?pretty=true");
        assertThat(new String(pretty.body(), StandardCharsets.UTF_8)).contains("\n  \"links\" : [");
        assertThat(json(pretty)).isEqualTo(plain);

        JsonNode error = json(authorizedGet("/api/atlas/v2/orgs/" + OTHER_ORG + "/invoices/pending?envelope=true"));
        assertThat(error.get("status").asInt()).isEqualTo(404);
        assertThat(error.get("content").get("errorCode").asString()).isEqualTo("ORG_NOT_FOUND");
    }

    @Test
    void answers429WithRetryAfterOnceTheOrgBucketIsEmpty() throws Exception {
        simulator.addOrg(OTHER_ORG, "Other", 7, 3);
        simulator.rateLimit(3, 1, Duration.ofSeconds(30));
        String bearer = "Bearer " + accessToken();

        List<String> remaining = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> allowed = get(PENDING, "Authorization", bearer, "Accept", V2023);
            assertThat(allowed.statusCode()).isEqualTo(200);
            remaining.add(allowed.headers().firstValue("RateLimit-Remaining").orElseThrow());
        }
        assertThat(remaining).containsExactly("2", "1", "0");

        HttpResponse<byte[]> limited = get(PENDING, "Authorization", bearer, "Accept", V2023);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(1, 30);
        JsonNode error = json(limited);
        assertThat(error.get("errorCode").asString()).isEqualTo("RATE_LIMITED");
        assertThat(error.get("reason").asString()).isEqualTo("Too Many Requests");
        assertThat(simulator.rateLimitRemaining(ORG)).isZero();

        String invoicePath = "/api/atlas/v2/orgs/" + ORG + "/invoices/" + org.pendingInvoiceId();
        assertThat(get(invoicePath, "Authorization", bearer, "Accept", V2023).statusCode())
                .isEqualTo(429);
        assertThat(accessToken()).isNotBlank();
        assertThat(get(
                                "/api/atlas/v2/orgs/" + OTHER_ORG + "/invoices/pending",
                                "Authorization",
                                bearer,
                                "Accept",
                                V2023)
                        .statusCode())
                .isEqualTo(200);

        simulator.rateLimit(1, 1, Duration.ofMillis(300));
        assertThat(get(PENDING, "Authorization", bearer, "Accept", V2023).statusCode())
                .isEqualTo(200);
        HttpResponse<byte[]> again = get(PENDING, "Authorization", bearer, "Accept", V2023);
        assertThat(again.statusCode()).isEqualTo(429);
        assertThat(again.headers().firstValue("Retry-After")).hasValue("1");
        await().atMost(Duration.ofSeconds(3))
                .until(() ->
                        get(PENDING, "Authorization", bearer, "Accept", V2023).statusCode() == 200);
    }

    @Test
    void servesQueuedFaultsInOrderThenStandingFailuresUntilCleared() throws Exception {
        simulator.enqueueFault(ORG, Fault.status(503));
        simulator.enqueueFault(ORG, Fault.tooManyRequests(Duration.ofSeconds(7)));
        simulator.enqueueFault(ORG, Fault.tooManyRequestsWithoutRetryAfter());
        String bearer = "Bearer " + accessToken();

        HttpResponse<byte[]> unavailable = get(PENDING, "Authorization", bearer, "Accept", V2023);
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(json(unavailable).get("errorCode").asString()).isEqualTo("SERVICE_UNAVAILABLE");
        HttpResponse<byte[]> tooMany = get(PENDING, "Authorization", bearer, "Accept", V2023);
        assertThat(tooMany.statusCode()).isEqualTo(429);
        assertThat(tooMany.headers().firstValue("Retry-After")).hasValue("7");
        HttpResponse<byte[]> bare = get(PENDING, "Authorization", bearer, "Accept", V2023);
        assertThat(bare.statusCode()).isEqualTo(429);
        assertThat(bare.headers().firstValue("Retry-After")).isEmpty();
        assertThat(get(PENDING, "Authorization", bearer, "Accept", V2023).statusCode())
                .isEqualTo(200);
        assertThat(simulator.rateLimitRemaining(ORG)).isEqualTo(499);

        simulator.failAlways(ORG, 500);
        assertThat(get(PENDING, "Authorization", bearer, "Accept", V2023).statusCode())
                .isEqualTo(500);
        assertThat(get(PENDING, "Authorization", bearer, "Accept", V2023).statusCode())
                .isEqualTo(500);
        simulator.clearFaults(ORG);
        assertThat(get(PENDING, "Authorization", bearer, "Accept", V2023).statusCode())
                .isEqualTo(200);

        simulator.enqueueTokenEndpointFault(Fault.status(500));
        assertThat(requestToken(CLIENT_ID, CLIENT_SECRET).statusCode()).isEqualTo(500);
        assertThat(requestToken(CLIENT_ID, CLIENT_SECRET).statusCode()).isEqualTo(200);
    }

    @Test
    void resetsTheConnectionWithoutAResponse() throws Exception {
        String bearer = "Bearer " + accessToken();
        simulator.enqueueFault(ORG, Fault.connectionReset());

        try (Socket socket = new Socket("127.0.0.1", simulator.baseUrl().getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream()
                    .write(("GET " + PENDING + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + bearer
                                    + "\r\nAccept: " + V2023 + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            assertThatThrownBy(() -> socket.getInputStream().read())
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
        }

        // The JDK client retries an idempotent GET once when the connection dies before any byte: two resets.
        simulator.enqueueFault(ORG, Fault.connectionReset());
        simulator.enqueueFault(ORG, Fault.connectionReset());
        assertThatThrownBy(() -> get(PENDING, "Authorization", bearer, "Accept", V2023))
                .isInstanceOf(IOException.class);

        assertThat(get(PENDING, "Authorization", bearer, "Accept", V2023).statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(2))
                .until(() -> simulator.requests().stream()
                        .filter(request -> PENDING.equals(request.path()))
                        .allMatch(request -> request.completedAt() != null));
        assertThat(simulator.requests())
                .filteredOn(request -> PENDING.equals(request.path()))
                .extracting(RecordedRequest::status)
                .containsExactly(0, 0, 0, 200);
    }

    @Test
    void cutsTheBodyShortOfItsContentLength() throws Exception {
        String bearer = "Bearer " + accessToken();
        simulator.enqueueFault(ORG, Fault.truncatedBody());

        assertThatThrownBy(() -> get(PENDING, "Authorization", bearer, "Accept", V2023))
                .isInstanceOf(IOException.class);

        HttpResponse<byte[]> whole = get(PENDING, "Authorization", bearer, "Accept", V2023);
        assertThat(whole.body()).isEqualTo(org.pendingInvoicesResponseBytes());
    }

    @Test
    void sendsMalformedJsonAndDelaysOnRequest() throws Exception {
        String bearer = "Bearer " + accessToken();
        simulator.enqueueFault(ORG, Fault.malformedBody());
        simulator.enqueueFault(ORG, Fault.delay(Duration.ofMillis(300)));

        HttpResponse<byte[]> malformed = get(PENDING, "Authorization", bearer, "Accept", V2023);
        assertThat(malformed.statusCode()).isEqualTo(200);
        assertThat(malformed.headers().firstValue("Content-Type")).hasValue(V2023);
        assertThatThrownBy(() -> JSON.readTree(malformed.body())).isInstanceOf(JacksonException.class);

        long started = System.nanoTime();
        HttpResponse<byte[]> delayed = get(PENDING, "Authorization", bearer, "Accept", V2023);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(delayed.statusCode()).isEqualTo(200);
        assertThat(delayed.body()).isEqualTo(org.pendingInvoicesResponseBytes());
    }

    @Test
    void acceptsDigestAnswersOfApacheHttpClient() throws Exception {
        BasicCredentialsProvider credentials = new BasicCredentialsProvider();
        credentials.setCredentials(
                new AuthScope("127.0.0.1", simulator.baseUrl().getPort()),
                new UsernamePasswordCredentials(PUBLIC_KEY, PRIVATE_KEY.toCharArray()));

        try (CloseableHttpClient client =
                HttpClients.custom().setDefaultCredentialsProvider(credentials).build()) {
            HttpGet get = new HttpGet(simulator.baseUrl() + PENDING + "?pretty=false");
            get.addHeader("Accept", V2023);
            byte[] body = client.execute(get, response -> {
                assertThat(response.getCode()).isEqualTo(200);
                return EntityUtils.toByteArray(response.getEntity());
            });
            assertThat(body).isEqualTo(org.pendingInvoicesResponseBytes());
        }

        assertThat(simulator.requests())
                .extracting(RecordedRequest::status, request -> request.header("authorization"))
                .containsExactly(tuple(401, null), tuple(200, "Digest"));
    }

    @Test
    void rejectsWrongDigestPasswordsReplayedCountsAndStaleNonces() throws Exception {
        String nonce = challengeNonce(get(PENDING, "Accept", V2023));

        assertThat(digestGet(PRIVATE_KEY + "x", nonce, 1).statusCode()).isEqualTo(401);
        assertThat(digestGet(PRIVATE_KEY, nonce, 1).statusCode()).isEqualTo(200);
        assertThat(digestGet(PRIVATE_KEY, nonce, 2).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> replayed = digestGet(PRIVATE_KEY, nonce, 2);
        assertThat(replayed.statusCode()).isEqualTo(401);
        assertThat(replayed.headers().firstValue("WWW-Authenticate").orElseThrow())
                .endsWith("stale=false");

        simulator.digestNonceLifetime(Duration.ofMillis(200));
        String shortNonce = challengeNonce(get(PENDING, "Accept", V2023));
        assertThat(digestGet(PRIVATE_KEY, shortNonce, 1).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(3))
                .until(() -> digestGet(PRIVATE_KEY, shortNonce, 2)
                        .headers()
                        .firstValue("WWW-Authenticate")
                        .map(challenge -> challenge.endsWith("stale=true"))
                        .orElse(false));
    }

    @Test
    void recordsEveryRequestWithoutSecrets() throws Exception {
        simulator.clearRequests();
        String token = accessToken();
        authorizedGet(PENDING + "?envelope=false", token);
        get("/api/atlas/v2/orgs/" + ORG + "/nothing-here", "Accept", V2023);

        await().atMost(Duration.ofSeconds(2))
                .until(() -> simulator.requests().size() == 3
                        && simulator.requests().stream().allMatch(request -> request.completedAt() != null));
        List<RecordedRequest> requests = simulator.requests();
        RecordedRequest tokenCall = requests.get(0);
        assertThat(tokenCall.method()).isEqualTo("POST");
        assertThat(tokenCall.path()).isEqualTo("/api/oauth/token");
        assertThat(tokenCall.orgId()).isNull();
        assertThat(tokenCall.status()).isEqualTo(200);
        assertThat(tokenCall.header("Authorization")).isEqualTo("Basic");
        assertThat(tokenCall.headers()).containsEntry("content-type", "application/x-www-form-urlencoded");

        RecordedRequest pendingCall = requests.get(1);
        assertThat(pendingCall.path()).isEqualTo(PENDING);
        assertThat(pendingCall.query()).isEqualTo("envelope=false");
        assertThat(pendingCall.orgId()).isEqualTo(ORG);
        assertThat(pendingCall.status()).isEqualTo(200);
        assertThat(pendingCall.headers())
                .containsEntry("authorization", "Bearer")
                .containsEntry("accept", V2023);
        assertThat(pendingCall.completedAt()).isAfterOrEqualTo(pendingCall.receivedAt());

        assertThat(requests.get(2).status()).isEqualTo(404);
        assertThat(requests.toString())
                .doesNotContain(
                        token,
                        CLIENT_SECRET,
                        Base64.getEncoder()
                                .encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void servesInvoicesLargerThanOneBufferChunk() throws Exception {
        String bigOrg = "0123456789abcdef01234567";
        SimulatedOrg big = simulator.addOrg(bigOrg, "Big", 99, 1_000, 5);

        HttpResponse<byte[]> response = authorizedGet("/api/atlas/v2/orgs/" + bigOrg + "/invoices/pending");

        assertThat(response.body().length).isGreaterThan(1024 * 1024);
        assertThat(response.body()).isEqualTo(big.pendingInvoicesResponseBytes());
        assertThat(json(response).get("results").get(0).get("lineItems")).hasSize(5_000);
        assertThat(big.groupIds()).hasSizeGreaterThanOrEqualTo(3);
    }

    private HttpResponse<byte[]> requestToken(String clientId, String secret) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri("/api/oauth/token"))
                        .header("Authorization", basic(clientId, secret))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private String accessToken() throws Exception {
        HttpResponse<byte[]> response = requestToken(CLIENT_ID, CLIENT_SECRET);
        assertThat(response.statusCode()).isEqualTo(200);
        return json(response).get("access_token").asString();
    }

    private HttpResponse<byte[]> authorizedGet(String pathAndQuery) throws Exception {
        return authorizedGet(pathAndQuery, accessToken());
    }

    private HttpResponse<byte[]> authorizedGet(String pathAndQuery, String token) throws Exception {
        return get(pathAndQuery, "Authorization", "Bearer " + token, "Accept", V2023);
    }

    private HttpResponse<byte[]> get(String pathAndQuery, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> digestGet(String password, String nonce, int count) throws Exception {
        String nc = String.format("%08x", count);
        String cnonce = "0a4f113b" + count;
        String ha1 = DigestAuth.md5(PUBLIC_KEY + ":MMS Public API:" + password);
        String ha2 = DigestAuth.md5("GET:" + PENDING);
        String response = DigestAuth.md5(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
        String authorization = "Digest username=\"" + PUBLIC_KEY + "\", realm=\"MMS Public API\", nonce=\"" + nonce
                + "\", uri=\"" + PENDING + "\", response=\"" + response + "\", algorithm=MD5, qop=auth, nc=" + nc
                + ", cnonce=\"" + cnonce + "\"";
        return get(PENDING, "Authorization", authorization, "Accept", V2023);
    }

    private static String challengeNonce(HttpResponse<byte[]> unauthorized) {
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        Map<String, String> challenge = DigestAuth.parameters(unauthorized
                .headers()
                .firstValue("WWW-Authenticate")
                .orElseThrow()
                .substring("Digest ".length()));
        return challenge.get("nonce");
    }

    private URI uri(String pathAndQuery) {
        return simulator.baseUrl().resolve(pathAndQuery);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(HttpResponse<byte[]> response) {
        return JSON.readTree(response.body());
    }
}
