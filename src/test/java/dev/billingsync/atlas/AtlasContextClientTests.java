package dev.billingsync.atlas;

import static dev.billingsync.atlas.AtlasClientTests.ORG;
import static dev.billingsync.atlas.AtlasClientTests.SERVICE_ACCOUNT;
import static dev.billingsync.atlas.AtlasClientTests.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The client as Spring wires it: properties bound and validated, the auto-configured WebClient.Builder used. */
class AtlasContextClientTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(AtlasProperties.class)
    @Import(AtlasClient.class)
    static class Config {

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(WebClientAutoConfiguration.class, ValidationAutoConfiguration.class))
            .withUserConfiguration(Config.class);

    @TempDir
    Path spool;

    @Test
    void bindsTheDocumentedDefaults() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(AtlasClient.class);
            AtlasProperties properties = context.getBean(AtlasProperties.class);
            assertThat(properties.baseUrl()).isEqualTo(URI.create("https://cloud.mongodb.com"));
            assertThat(properties.credentials()).isEmpty();
            assertThat(properties.timeouts())
                    .isEqualTo(new AtlasProperties.Timeouts(
                            Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(15)));
            assertThat(properties.retry())
                    .isEqualTo(new AtlasProperties.Retry(
                            5, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(5)));
            assertThat(properties.versions()).isEqualTo(new AtlasProperties.Versions("2023-01-01", "2023-01-01"));
            assertThat(properties.spoolDirectory()).isNull();
        });
    }

    @Test
    void bindsTheCredentialsAndKeepsThemOutOfToString() {
        runner.withPropertyValues("billing.atlas.client-id=mdb_sa_id_x", "billing.atlas.client-secret=very-secret")
                .run(context -> {
                    AtlasProperties properties = context.getBean(AtlasProperties.class);
                    assertThat(properties.credentials())
                            .contains(new AtlasCredentials.ServiceAccount("mdb_sa_id_x", "very-secret"));
                    assertThat(properties.toString()).doesNotContain("very-secret");
                });
    }

    @Test
    void rejectsAVersionThatIsNotADate() {
        runner.withPropertyValues("billing.atlas.versions.invoices=latest")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("versions.invoices"));
    }

    @Test
    void rejectsANonPositiveTimeout() {
        runner.withPropertyValues("billing.atlas.timeouts.read=0s")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("timeouts.read"));
    }

    @Test
    void rejectsZeroAttempts() {
        runner.withPropertyValues("billing.atlas.retry.max-attempts=0")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("retry.maxAttempts"));
    }

    @Test
    void callsAtlasThroughTheAutoConfiguredBuilder() throws IOException {
        AtlasClientTests.FakeAtlas atlas = new AtlasClientTests.FakeAtlas();
        atlas.api(json(200, "{}"));
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(atlas);
            server.start();
            runner.withPropertyValues(
                            "billing.atlas.base-url=" + AtlasClientTests.baseUrl(server),
                            "billing.atlas.spool-directory=" + spool)
                    .run(context -> {
                        AtlasOrgSession session =
                                context.getBean(AtlasClient.class).session(ORG, SERVICE_ACCOUNT);
                        try (AtlasInvoiceDownload payload = session.pendingInvoices()) {
                            assertThat(payload.file()).startsWith(spool);
                        }
                        assertThat(atlas.apiRequests())
                                .singleElement()
                                .satisfies(r -> assertThat(r.getHeaders().get("Accept"))
                                        .isEqualTo("application/vnd.atlas.2023-01-01+json"));
                        assertThat(context.getBean(MeterRegistry.class)
                                        .find(AtlasMetrics.REQUESTS)
                                        .counter())
                                .isNotNull();
                    });
        }
    }
}
