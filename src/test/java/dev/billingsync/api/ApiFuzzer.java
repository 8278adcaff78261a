package dev.billingsync.api;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random malformed requests across every endpoint: bad ids, huge and negative numbers, unknown enum values, unicode,
 * very long strings, SQL-like strings, bad dates, wrong methods and media types. Seeded, so a failure reproduces.
 */
final class ApiFuzzer {

    record FuzzRequest(String method, String pathAndQuery, String accept, String contentType, String body) {

        HttpRequest toHttpRequest(String base, String apiKey) {
            HttpRequest.BodyPublisher publisher =
                    body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                    .timeout(Duration.ofSeconds(30))
                    .header("X-API-Key", apiKey)
                    .header("Accept", accept)
                    .method(method, publisher);
            if (!contentType.isEmpty()) {
                builder.header("Content-Type", contentType);
            }
            return builder.build();
        }
    }

    private static final List<String> TEMPLATES = List.of(
            "/api/v1/orgs",
            "/api/v1/orgs/{org}/invoices/pending",
            "/api/v1/orgs/{org}/invoices",
            "/api/v1/orgs/{org}/invoices/{invoice}",
            "/api/v1/orgs/{org}/invoices/{invoice}/lineItems",
            "/api/v1/orgs/{org}/billing/costExplorer/usage",
            "/api/v1/orgs/{org}/billing/costExplorer/queries",
            "/api/v1/orgs/{org}/syncRuns",
            "/api/v1/syncRuns",
            "/api/v1/syncRuns/{run}",
            "/api/v1/nope",
            "/api/v1/orgs/{org}/invoices/{invoice}/lineItems/extra");
    private static final List<String> PARAMS = List.of(
            "itemsPerPage",
            "pageNum",
            "includeCount",
            "envelope",
            "pretty",
            "statusNames",
            "fromDate",
            "toDate",
            "sortBy",
            "orderBy",
            "groupId",
            "clusterName",
            "sku",
            "orgId",
            "status",
            "startDate",
            "endDate",
            "groupBy",
            "unknownParam");
    private static final List<String> NASTY = List.of(
            "",
            "0",
            "-1",
            "-2147483649",
            "2147483648",
            "99999999999999999999999999",
            "1e9",
            "1.5",
            "NaN",
            "abc",
            "true",
            "maybe",
            "null",
            "[]",
            "{}",
            "2026-13-45",
            "2026-02-30",
            "26-01-01",
            "2026-01-01T00:00:00Z",
            "' OR '1'='1",
            "1; DROP TABLE invoices;--",
            "\u00e9t\u00e9 \u4f60\u597d \ud83d\ude00",
            "%00",
            "%2F..%2F",
            "..",
            "<script>alert(1)</script>",
            "PENDING",
            "START_DATE",
            "asc",
            "DESC",
            "services",
            "ffffffffffffffffffffffff",
            "FFFFFFFFFFFFFFFFFFFFFFFF",
            "\t\n",
            "a".repeat(300),
            "b".repeat(10_000));
    /** Already-encoded segments that servlet containers and Spring Security's firewall treat specially. */
    private static final List<String> RAW_SEGMENTS =
            List.of("a%2Fb", "%00", "%2e%2e", ";x=y", "a%5Cb", "%25", "%0A", "..;", "%C0%AE");

    private static final List<String> METHODS =
            List.of("GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
    private static final List<String> ACCEPTS = List.of(
            "application/json",
            "application/json",
            "text/csv",
            "application/xml",
            "*/*",
            "text/html",
            "application/vnd.atlas.2023-01-01+json",
            "garbage",
            "image/png");
    private static final List<String> CONTENT_TYPES = List.of(
            "",
            "",
            "application/json",
            "text/plain",
            "application/xml",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "nonsense");
    private static final List<String> BODIES =
            List.of("", "{", "{\"a\":1}", "[]", "null", "\u0000\u0001", "x".repeat(5000));

    private final Random random;
    private final String org;
    private final String invoice;

    ApiFuzzer(long seed, List<String> realIds) {
        this.random = new Random(seed);
        this.org = realIds.get(0);
        this.invoice = realIds.get(1);
    }

    FuzzRequest next() {
        String path = pick(TEMPLATES)
                .replace("{org}", random.nextInt(3) == 0 ? segment() : org)
                .replace("{invoice}", random.nextInt(3) == 0 ? segment() : invoice)
                .replace("{run}", random.nextInt(2) == 0 ? segment() : Integer.toString(random.nextInt(5)));
        List<String> query = new ArrayList<>();
        int params = random.nextInt(5);
        for (int i = 0; i < params; i++) {
            query.add(pick(PARAMS) + "=" + encode(pick(NASTY)));
        }
        if (random.nextInt(10) == 0) {
            query.add(encode(pick(NASTY)) + "=" + encode(pick(NASTY)));
        }
        String pathAndQuery = path + (query.isEmpty() ? "" : "?" + String.join("&", query));
        String method = pick(METHODS);
        boolean withBody = !method.equals("GET") && !method.equals("HEAD") && random.nextBoolean();
        return new FuzzRequest(
                method, pathAndQuery, pick(ACCEPTS), withBody ? pick(CONTENT_TYPES) : "", withBody ? pick(BODIES) : "");
    }

    /** A path segment that is not a valid id, URL-encoded so the request line stays legal. */
    private String segment() {
        if (random.nextInt(5) == 0) {
            return pick(RAW_SEGMENTS);
        }
        String value = pick(NASTY);
        return value.isEmpty() ? "x" : encode(value);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
