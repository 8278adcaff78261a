package dev.billingsync.web;

import static dev.billingsync.web.ApiSliceTest.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The conventions in a real servlet container, where errors outside Spring MVC go through the container's error
 * page, and malformed requests are refused before they reach a controller.
 */
@SpringBootTest(
        classes = ServletContainerTests.WebOnlyApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(WebTestController.PROFILE)
@TestPropertySource(
        properties = {
            "billing.security.api-keys[0].name=reader",
            "billing.security.api-keys[0].key=" + ApiSliceTest.Keys.READER,
            "billing.security.api-keys[0].roles=READ",
            "billing.security.api-keys[0].orgs=" + ORG_A,
            "billing.sync.enabled=false",
            "billing.sync.run-on-startup=false",
            // The application's health groups name the database's contributor; there is no database here.
            "management.endpoint.health.validate-group-membership=false",
        })
class ServletContainerTests {

    /** The web module alone, without a database. Not a {@code @Configuration}: no component scan finds it. */
    @EnableAutoConfiguration(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
    @Import({
        WebConfiguration.class,
        WebTestController.class,
        EnvelopeAdvice.class,
        ApiExceptionHandler.class,
        ApiErrorController.class
    })
    static class WebOnlyApplication {

        /** Fails like a broken filter would, ahead of Spring Security and Spring MVC. */
        @Bean
        FilterRegistrationBean<Filter> failingFilter() {
            FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>((request, response, chain) -> {
                String path = ((HttpServletRequest) request).getRequestURI();
                if (path.equals("/filter/throws")) {
                    throw new IllegalStateException("SELECT password FROM secret_table");
                }
                if (path.equals("/filter/too-large")) {
                    ((HttpServletResponse) response).sendError(413);
                    return;
                }
                chain.doFilter(request, response);
            });
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
            return registration;
        }
    }

    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    record Response(int status, String headers, String body) {}

    /** Sends the request line as given, byte for byte, which no HTTP client library would. */
    Response raw(String method, String target, String... headers) throws IOException {
        return send(method, target, "", headers);
    }

    Response send(String method, String target, String body, String... headers) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            StringBuilder request =
                    new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
            for (String header : headers) {
                request.append(header).append("\r\n");
            }
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            String response = bytes.toString(StandardCharsets.UTF_8);
            int headerEnd = response.indexOf("\r\n\r\n");
            String head = headerEnd < 0 ? response : response.substring(0, headerEnd);
            String content = headerEnd < 0 ? "" : response.substring(headerEnd + 4);
            int status = Integer.parseInt(head.substring(9, 12));
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                content = dechunk(content);
            }
            return new Response(status, head, content);
        }
    }

    static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
            if (size == 0) {
                break;
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
        return body.toString();
    }

    static void assertAtlasError(Response response, int status, String errorCode) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.headers().toLowerCase()).as(response.toString()).contains("content-type: application/json");
        assertThat(response.body())
                .as(response.toString())
                .doesNotContain("<html", "Exception", "secret_table", "timestamp");
        JsonNode body = JSON.readTree(response.body());
        JsonNode error = body.has("content") ? body.get("content") : body;
        assertThat(error.get("error").asInt()).as(response.toString()).isEqualTo(status);
        assertThat(error.get("errorCode").asString()).as(response.toString()).isEqualTo(errorCode);
        assertThat(error.get("reason").asString()).as(response.toString()).isNotBlank();
        assertThat(error.get("detail").asString()).as(response.toString()).isNotBlank();
    }

    @Test
    void servesTheApi() throws IOException {
        Response response = raw("GET", "/api/v1/test/orgs/" + ORG_A, "X-API-Key: " + ApiSliceTest.Keys.READER);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("\"amount\":0.50");
    }

    @Test
    void streamsCsvThroughTheAsyncDispatch() throws IOException {
        String key = "X-API-Key: " + ApiSliceTest.Keys.READER;
        Response csv = raw("GET", "/api/v1/test/orgs/" + ORG_A + "/export", key, "Accept: text/csv");
        assertThat(csv.status()).as(csv.toString()).isEqualTo(200);
        assertThat(csv.headers().toLowerCase()).contains("content-type: text/csv");
        assertThat(csv.body()).isEqualTo("number,orgId\n1," + ORG_A + "\n");
        assertThat(raw("HEAD", "/api/v1/test/orgs/" + ORG_A + "/export", key, "Accept: text/csv")
                        .status())
                .isEqualTo(200);
        assertAtlasError(
                raw("GET", "/api/v1/test/orgs/" + ApiSliceTest.ORG_B + "/export", key, "Accept: text/csv"),
                403,
                "USER_UNAUTHORIZED");
    }

    @Test
    void answersAnUnknownPathWithAnAtlas404() throws IOException {
        assertAtlasError(
                raw("GET", "/api/v1/nothing", "X-API-Key: " + ApiSliceTest.Keys.READER), 404, "RESOURCE_NOT_FOUND");
        assertAtlasError(raw("GET", "/api/v1/nothing"), 401, "UNAUTHORIZED");
    }

    @Test
    void rendersAFilterFailureAsAnAtlas500() throws IOException {
        assertAtlasError(raw("GET", "/filter/throws"), 500, "UNEXPECTED_ERROR");
        assertAtlasError(raw("GET", "/filter/throws?envelope=true&pretty=true"), 500, "UNEXPECTED_ERROR");
    }

    @Test
    void rendersAContainerErrorInTheAtlasShape() throws IOException {
        assertAtlasError(raw("GET", "/filter/too-large"), 413, "PAYLOAD_TOO_LARGE");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/v1/test/orgs/a;b",
                "/api/v1/test/orgs/a%3Bb",
                "/api/v1/test/orgs/a%2Fb",
                "/api/v1/test/orgs/a%00b",
                "/api/v1/test/orgs/a%5Cb",
                "/api/v1/test/orgs/%2e%2e/x",
                "/api/v1//test",
                "/api/v1/test/orgs/a%25b",
                "/api/v1/test/orgs/a%0Ab",
                "/api/v1/test/orgs/%zz",
                "/api/v1/test/orgs/%",
                "/api/v1/test/orgs/a%C0%AFb",
                "/api/v1/test/../test/orgs",
                "/api/v1/test/orgs/a\\b"
            })
    void answersAMalformedUrlWithAnAtlas400(String target) throws IOException {
        assertAtlasError(raw("GET", target, "X-API-Key: " + ApiSliceTest.Keys.READER), 400, "INVALID_REQUEST");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/v1/test/orgs/{x}",
                "/api/v1/test/orgs/a|b",
                "/api/v1/test/orgs?q=<script>",
                "/api/v1/test/orgs/a\"b",
                "/api/v1/test/orgs/ü"
            })
    void answersAnIllegalRequestTargetWithAnAtlas400(String target) throws IOException {
        assertAtlasError(raw("GET", target), 400, "INVALID_REQUEST");
    }

    @Test
    void answersAnUnknownMethodWithAnAtlas400() throws IOException {
        assertAtlasError(
                raw("FOO", "/api/v1/test/orgs/" + ORG_A, "X-API-Key: " + ApiSliceTest.Keys.READER),
                400,
                "INVALID_REQUEST");
        assertAtlasError(raw("TRACE", "/api/v1/test/orgs/" + ORG_A), 405, "METHOD_NOT_ALLOWED");
    }

    @Test
    void answersAMalformedQueryWithAnAtlas400() throws IOException {
        assertAtlasError(
                raw(
                        "GET",
                        "/api/v1/test/orgs/" + ORG_A + "/items?pageNum=%zz",
                        "X-API-Key: " + ApiSliceTest.Keys.READER),
                400,
                "INVALID_PARAMETER");
        assertAtlasError(
                raw(
                        "GET",
                        "/api/v1/test/orgs/" + ORG_A + "/items?pageNum=%00",
                        "X-API-Key: " + ApiSliceTest.Keys.READER),
                400,
                "INVALID_PARAMETER");
    }

    /**
     * A few hundred malformed requests of every kind; none may end in a 500 or in anything but an Atlas error body.
     * The seed is fixed so that a failure can be replayed.
     */
    @Test
    void answersMalformedRequestsWithAtlasErrorsAndNever500() throws IOException {
        Random random = new Random(20240131);
        String[] methods = {"GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"};
        String[] paths = {
            "/api/v1/test/orgs/{id}",
            "/api/v1/test/orgs/{id}/items",
            "/api/v1/test/number",
            "/api/v1/test/orgs/{id}/syncs",
            "/api/v1/test/orgs/{id}/export",
            "/api/v1/test/dates",
            "/api/v1/nothing",
            "/",
            "/error",
            "/actuator/health",
            "/actuator/env",
            "/api/v1/test/visible"
        };
        String[] ids = {
            ORG_A,
            "5f0c1a2b3c4d5e6f7a8b9c02",
            "x",
            "%00",
            "%2F",
            "..",
            "%F0%9F%92%A9",
            "a".repeat(3000),
            "'%20OR%201=1",
            "%C3%BC"
        };
        String[] names = {
            "pageNum",
            "itemsPerPage",
            "includeCount",
            "envelope",
            "pretty",
            "status",
            "fromDate",
            "toDate",
            "since",
            "groupIds",
            "value",
            "limit",
            "orgIds",
            "%00",
            "x"
        };
        String[] values = {
            "",
            "0",
            "-1",
            "501",
            "99999999999999999999",
            "abc",
            "%00",
            "%zz",
            "%",
            "%25",
            "true",
            "TRUE",
            "null",
            "%5B%5D",
            "1e3",
            "0x1F",
            "2024-13-45",
            "2024-01-31",
            "2024-01-31T00:00:00Z",
            "%0D%0Ax:y",
            "..%2F..%2F",
            "%3Cscript%3E",
            "'%3B%20DROP%20TABLE%20invoices%3B--",
            "%C3%BC%C3%B1",
            "PAID",
            "UNKNOWN",
            "b".repeat(10_000)
        };
        String[] accepts = {null, "application/json", "application/xml", "text/csv", "*/*", "garbage", "text/html"};
        String[] contentTypes = {null, "application/json", "application/xml", "text/plain", "garbage"};
        String[] bodies = {"", "{", "{\"reason\":\"x\",\"priority\":1}", "[]", "null", "{\"priority\":\"high\"}"};
        String[] keys = {ApiSliceTest.Keys.READER, ApiSliceTest.Keys.READER, "wrong-key-0123456789", null};
        for (int i = 0; i < 400; i++) {
            String method = pick(random, methods);
            StringBuilder target = new StringBuilder(pick(random, paths).replace("{id}", pick(random, ids)));
            int parameters = random.nextInt(4);
            for (int p = 0; p < parameters; p++) {
                target.append(p == 0 ? '?' : '&')
                        .append(pick(random, names))
                        .append('=')
                        .append(pick(random, values));
            }
            List<String> headers = new ArrayList<>();
            String key = pick(random, keys);
            if (key != null) {
                headers.add("X-API-Key: " + key);
            }
            String accept = pick(random, accepts);
            if (accept != null) {
                headers.add("Accept: " + accept);
            }
            String body = "";
            if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
                body = pick(random, bodies);
                String contentType = pick(random, contentTypes);
                if (contentType != null) {
                    headers.add("Content-Type: " + contentType);
                }
                headers.add("Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length);
            }
            Response response = send(method, target.toString(), body, headers.toArray(String[]::new));
            String request = method + " " + target;
            assertThat(response.status()).as(request + " -> " + response).isLessThan(500);
            if (response.status() >= 400 && !method.equals("HEAD")) {
                JsonNode json = JSON.readTree(response.body());
                JsonNode error = json.has("content") ? json.get("content") : json;
                assertThat(error.get("error").asInt())
                        .as(request + " -> " + response)
                        .isEqualTo(response.status());
                assertThat(error.get("errorCode").asString())
                        .as(request + " -> " + response)
                        .matches("[A-Z_]+");
                assertThat(response.body()).as(request).doesNotContain("Exception", "java.", "<html");
            }
        }
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    @Test
    void answersMalformedFormsAndMultipartBodiesWithAtlas400s() throws IOException {
        String key = "X-API-Key: " + ApiSliceTest.Keys.READER;
        for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
            for (String body : List.of("a=%zz", "%", "a=%00&b=%C0", "\u0000\u0001")) {
                Response form = send(
                        method,
                        "/api/v1/test/orgs/" + ORG_A + "/syncs",
                        body,
                        key,
                        "Content-Type: application/x-www-form-urlencoded",
                        "Content-Length: " + body.length());
                assertThat(form.status())
                        .as(method + " " + body + " -> " + form)
                        .isBetween(400, 499);
                assertThat(form.body()).as(method + " " + body).contains("\"errorCode\"");
            }
            String multipart = "x".repeat(5000);
            Response parts = send(
                    method,
                    "/api/v1/test/orgs/" + ORG_A + "/syncs",
                    multipart,
                    key,
                    "Content-Type: multipart/form-data; boundary=x",
                    "Content-Length: " + multipart.length());
            assertThat(parts.status()).as(method + " multipart -> " + parts).isBetween(400, 499);
            assertThat(parts.body()).as(method + " multipart").contains("\"errorCode\"");
        }
    }

    @Test
    void leavesHealthPrometheusAndTheApiDescriptionOpen() throws IOException {
        Response health = raw("GET", "/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
        assertThat(raw("GET", "/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(raw("GET", "/actuator/prometheus").status()).isEqualTo(200);
        Response docs = raw("GET", "/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.body()).startsWith("{\"openapi\":");
        assertThat(raw("GET", "/swagger-ui/index.html").status()).isEqualTo(200);
    }

    @Test
    void requiresCredentialsForOtherActuatorEndpoints() throws IOException {
        assertAtlasError(raw("GET", "/actuator/info"), 401, "UNAUTHORIZED");
        assertAtlasError(raw("GET", "/actuator/metrics"), 401, "UNAUTHORIZED");
        assertAtlasError(raw("GET", "/actuator"), 401, "UNAUTHORIZED");
        assertThat(raw("GET", "/actuator/info", "X-API-Key: " + ApiSliceTest.Keys.READER)
                        .status())
                .isEqualTo(200);
    }
}
