package dev.billingsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What {@code ./mvnw spring-boot:test-run} starts: it comes up healthy and syncs the simulator's orgs. */
class LocalRunIntegrationTests {

    @Test
    void localRunServesHealthUpAndSyncsTheDemoOrgs() throws Exception {
        try (ConfigurableApplicationContext context =
                TestBillingSyncApplication.start("--server.port=0", "--billing.test.database=local_run_test")) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            HttpResponse<String> health = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");

            HttpResponse<String> orgs = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/orgs"))
                                    .header("X-API-Key", LocalAtlasConfiguration.DEMO_API_KEY)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(orgs.statusCode()).isEqualTo(200);
            assertThat(orgs.body()).contains(LocalAtlasConfiguration.ORGS.get(0)[0]);

            JdbcClient jdbc = context.getBean(JdbcClient.class);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> jdbc.sql("select count(*) from sync_runs where status = 'SUCCEEDED'")
                                    .query(Long.class)
                                    .single()
                            >= LocalAtlasConfiguration.ORGS.size());
            assertThat(jdbc.sql("select count(*) from line_items")
                            .query(Long.class)
                            .single())
                    .isPositive();
        }
    }
}
