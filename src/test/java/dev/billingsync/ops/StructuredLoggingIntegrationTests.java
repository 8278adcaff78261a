package dev.billingsync.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.simulator.Fault;
import dev.billingsync.sync.ManualRun;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.logging.LoggingSystemProperty;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * With {@code logging.structured.format.console=ecs} (what the Helm chart sets) every console line is a JSON object;
 * every line logged during a sync carries the run id and the org id; no configured secret is ever printed.
 */
@BillingSyncIntegrationTest(
        properties = {
            "logging.structured.format.console=ecs",
            "billing.cost-explorer.enabled=false",
            "billing.atlas.retry.max-attempts=3",
            "billing.atlas.retry.initial-backoff=50ms",
            "billing.atlas.retry.max-backoff=100ms"
        })
@ExtendWith(OutputCaptureExtension.class)
class StructuredLoggingIntegrationTests {

    static final String SERVICE_ACCOUNT_ORG = "9d0c1a2b3c4d5e6f7a8b9c01";
    static final String API_KEY_ORG = "9d0c1a2b3c4d5e6f7a8b9c02";
    static final String CLIENT_ID = "mdb_sa_id_logging";
    static final String CLIENT_SECRET = "mdb_sa_sk_l0gg1ng-s3cr3t-never-printed";
    static final String PUBLIC_KEY = "logpubkey";
    static final String PRIVATE_KEY = "0f1e2d3c-private-key-never-printed";

    @AtlasUnderTest(
            orgs = {SERVICE_ACCOUNT_ORG, API_KEY_ORG},
            clientId = CLIENT_ID,
            clientSecret = CLIENT_SECRET)
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static final JsonMapper json = JsonMapper.builder().build();

    static {
        atlas.addApiKey(PUBLIC_KEY, PRIVATE_KEY);
        atlas.addOrg(SERVICE_ACCOUNT_ORG, "Logging SA", 41, 5);
        atlas.addOrg(API_KEY_ORG, "Logging Key", 42, 5);
    }

    @DynamicPropertySource
    static void atlasProperties(DynamicPropertyRegistry registry) {
        registry.add("billing.orgs[1].public-key", () -> PUBLIC_KEY);
        registry.add("billing.orgs[1].private-key", () -> PRIVATE_KEY);
    }

    /**
     * Logging is initialized once per JVM by the first application context; other test classes may have started one
     * in plain text. Resetting it lets this context apply its own (structured) configuration.
     */
    @BeforeAll
    static void resetLoggingSystem() {
        LoggingSystem.get(StructuredLoggingIntegrationTests.class.getClassLoader())
                .cleanUp();
    }

    /** Lets the next application context in this JVM log as it is configured (plain text) again. */
    @AfterAll
    static void restorePlainLogging() {
        System.clearProperty(LoggingSystemProperty.CONSOLE_STRUCTURED_FORMAT.getEnvironmentVariableName());
        LoggingSystem.get(StructuredLoggingIntegrationTests.class.getClassLoader())
                .cleanUp();
    }

    @Autowired
    ApplicationContext context;

    @Test
    void syncLinesAreJsonWithRunAndOrgIdAndNoSecretIsPrinted(CapturedOutput output) {
        atlas.enqueueFault(SERVICE_ACCOUNT_ORG, Fault.status(503)); // one retry, logged as a warning
        int from = output.getOut().length();

        ManualRun first = sync(SERVICE_ACCOUNT_ORG);
        ManualRun second = sync(API_KEY_ORG);
        atlas.failAlways(API_KEY_ORG, 500);
        ManualRun failed = sync(API_KEY_ORG);

        assertThat(first.status()).isEqualTo("SUCCEEDED");
        assertThat(second.status()).isEqualTo("SUCCEEDED");
        assertThat(failed.status()).isEqualTo("FAILED");
        List<JsonNode> lines = jsonLines(output.getOut().substring(from));
        // Every line of the service's own code while runs go on, including retries logged on Reactor threads. Not the
        // simulator's (test code), nor the access-token line: a token serves every org of its service account.
        List<JsonNode> syncLines = lines.stream()
                .filter(line -> logger(line).startsWith("dev.billingsync.")
                        && !logger(line).startsWith("dev.billingsync.simulator")
                        && !logger(line).equals("dev.billingsync.atlas.AtlasOAuthFilter"))
                .toList();
        assertThat(syncLines)
                .extracting(StructuredLoggingIntegrationTests::message)
                .anySatisfy(m -> assertThat(m)
                        .startsWith("Sync run " + first.id() + " of org")
                        .contains("succeeded"))
                .anySatisfy(m -> assertThat(m).contains("retrying"))
                .anySatisfy(m -> assertThat(m)
                        .startsWith("Sync run " + failed.id() + " of org")
                        .contains("failed"));
        for (JsonNode line : syncLines) {
            assertThat(line.path("syncRunId").asString())
                    .as("syncRunId of %s", line)
                    .isNotBlank();
            assertThat(line.path("orgId").asString()).as("orgId of %s", line).isNotBlank();
            assertThat(message(line))
                    .as("the line names its own run")
                    .doesNotContain(
                            line.path("orgId").asString().equals(SERVICE_ACCOUNT_ORG)
                                    ? API_KEY_ORG
                                    : SERVICE_ACCOUNT_ORG);
        }
        assertThat(syncLines)
                .filteredOn(line -> message(line).startsWith("Sync run " + failed.id() + " "))
                .allSatisfy(line -> {
                    assertThat(line.path("syncRunId").asString()).isEqualTo(Long.toString(failed.id()));
                    assertThat(line.path("orgId").asString()).isEqualTo(API_KEY_ORG);
                });

        assertThat(output.getAll()).doesNotContain(CLIENT_SECRET).doesNotContain(PRIVATE_KEY);
    }

    @Test
    void everyConsoleLineIsAnEcsJsonObject(CapturedOutput output) {
        int from = output.getOut().length();

        sync(SERVICE_ACCOUNT_ORG);

        List<String> raw = output.getOut()
                .substring(from)
                .lines()
                .filter(line -> !line.isBlank())
                .toList();
        assertThat(raw)
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));
        JsonNode last = json.readTree(raw.get(raw.size() - 1));
        assertThat(last.has("@timestamp")).isTrue();
        assertThat(last.path("ecs").path("version").asString()).isNotBlank();
        assertThat(last.path("log").path("level").asString()).isNotBlank();
        assertThat(last.path("service").path("name").asString()).isEqualTo("billing-sync");
    }

    private ManualRun sync(String orgId) {
        return ManualRun.of(context, orgId);
    }

    private static List<JsonNode> jsonLines(String text) {
        List<JsonNode> lines = new ArrayList<>();
        text.lines().filter(line -> line.startsWith("{")).forEach(line -> lines.add(json.readTree(line)));
        return lines;
    }

    private static String logger(JsonNode line) {
        JsonNode nested = line.path("log").path("logger");
        return nested.isMissingNode() ? line.path("log.logger").asString("") : nested.asString("");
    }

    private static String message(JsonNode line) {
        return line.path("message").asString("");
    }
}
