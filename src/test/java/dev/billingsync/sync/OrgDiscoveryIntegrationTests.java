package dev.billingsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.TestApiKey;
import dev.billingsync.simulator.AtlasSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Org discovery against the simulator: every org the service account sees is synced with the global credentials,
 * re-read each round (orgs added and removed between ticks are picked up and dropped, and keep their data), excluded
 * orgs are never called, and {@code GET /api/v1/orgs} tells configured from discovered orgs.
 */
@BillingSyncIntegrationTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "billing.cost-explorer.enabled=false",
            "billing.orgs-discovery.enabled=true",
            "billing.orgs-discovery.exclude[0]=" + OrgDiscoveryIntegrationTests.EXCLUDED
        })
@TestApiKey(name = "reader-all", key = OrgDiscoveryIntegrationTests.API_KEY, roles = "READ")
class OrgDiscoveryIntegrationTests {

    static final String API_KEY = "discovery-reader-0123456789abcdef";
    static final String CONFIGURED = "a70c1a2b3c4d5e6f7a8b9c01";
    static final String SEEN = "a70c1a2b3c4d5e6f7a8b9c02";
    static final String LEAVING = "a70c1a2b3c4d5e6f7a8b9c03";
    static final String EXCLUDED = "a70c1a2b3c4d5e6f7a8b9c04";
    static final String ARRIVING = "a70c1a2b3c4d5e6f7a8b9c05";

    @AtlasUnderTest(orgs = CONFIGURED)
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static {
        atlas.addOrg(CONFIGURED, "Configured", 1, 2, 2);
        atlas.addOrg(SEEN, "Seen", 2, 2, 2);
        atlas.addOrg(LEAVING, "Leaving", 3, 2, 2);
        atlas.addOrg(EXCLUDED, "Excluded", 4, 2, 2);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("billing.orgs[0].name", () -> "Configured here");
    }

    @Autowired
    SyncSchedule schedule;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;

    @Test
    void syncsTheOrgsAtlasListsEachRoundExceptExcludedOnesAndKeepsTheDataOfThoseThatLeft() throws Exception {
        Instant first = Instant.parse("2026-02-01T01:00:00Z");
        schedule.runTick(first);

        assertThat(runs(first))
                .containsOnlyKeys(CONFIGURED, SEEN, LEAVING)
                .allSatisfy((org, status) -> assertThat(status).isEqualTo("SUCCEEDED"));
        assertThat(orgsListCalls()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.header("accept")).isEqualTo("application/vnd.atlas.2023-01-01+json");
            assertThat(r.query()).contains("itemsPerPage=").contains("pageNum=1");
        });
        assertThat(sources())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(CONFIGURED, "configured", SEEN, "discovered", LEAVING, "discovered"));

        atlas.hideOrg(LEAVING);
        atlas.addOrg(ARRIVING, "Arriving", 5, 2, 2);
        Instant second = Instant.parse("2026-02-01T02:00:00Z");
        schedule.runTick(second);

        assertThat(runs(second)).containsOnlyKeys(CONFIGURED, SEEN, ARRIVING);
        assertThat(sources())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(CONFIGURED, "configured", SEEN, "discovered", ARRIVING, "discovered"));
        assertThat(jdbc.sql("select count(*) from invoices where org_id = ?")
                        .param(LEAVING)
                        .query(Long.class)
                        .single())
                .as("an org that left the list keeps its data")
                .isPositive();
        assertThat(atlas.requests()).as("an excluded org is never called").noneMatch(r -> EXCLUDED.equals(r.orgId()));
        assertThat(jdbc.sql("select name from organizations where id = ?")
                        .param(CONFIGURED)
                        .query(String.class)
                        .single())
                .as("a configured org's own settings win")
                .isEqualTo("Configured here");
    }

    private Map<String, String> runs(Instant tick) {
        return jdbc
                .sql("select org_id, status from sync_runs where tick_at = ?")
                .param(Timestamp.from(tick))
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getString(2)))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private List<dev.billingsync.simulator.RecordedRequest> orgsListCalls() {
        return atlas.requests().stream()
                .filter(r -> r.path().equals("/api/atlas/v2/orgs"))
                .toList();
    }

    /** {@code GET /api/v1/orgs}: each org's id and source. */
    private Map<String, String> sources() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/orgs"))
                                .header("X-API-Key", API_KEY)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JsonMapper.builder().build().readTree(response.body());
        return body.get("results")
                .valueStream()
                .collect(Collectors.toMap(
                        org -> org.get("id").asString(),
                        org -> org.get("source").asString()));
    }
}
