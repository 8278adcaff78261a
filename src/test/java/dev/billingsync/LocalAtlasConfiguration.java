package dev.billingsync;

import dev.billingsync.simulator.AtlasSimulator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/** The local demo's Atlas: the simulator with three organizations of realistic data and a service account. */
@TestConfiguration(proxyBeanMethods = false)
class LocalAtlasConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LocalAtlasConfiguration.class);

    static final String CLIENT_ID = "mdb_sa_id_local_demo";
    static final String CLIENT_SECRET = "mdb_sa_sk_local_demo_secret";
    /** The local demo's API key (READ and SYNC on every org); printed at startup. Never use it anywhere else. */
    static final String DEMO_API_KEY = "local-demo-key-change-me-0001";

    static final List<String[]> ORGS = List.of(
            new String[] {"5f0c1a2b3c4d5e6f7a8b9c01", "Acme Retail"},
            new String[] {"5f0c1a2b3c4d5e6f7a8b9c02", "Acme Labs"},
            new String[] {"5f0c1a2b3c4d5e6f7a8b9c03", "Acme Payments"});

    @Bean(destroyMethod = "close")
    AtlasSimulator atlasSimulator() {
        AtlasSimulator simulator = AtlasSimulator.start();
        simulator.addServiceAccount(CLIENT_ID, CLIENT_SECRET);
        for (int i = 0; i < ORGS.size(); i++) {
            // 12 to 24 months of closed invoices before the last three, so the demo shows a history
            simulator.addOrg(ORGS.get(i)[0], ORGS.get(i)[1], 100 + i, 60).addHistory(9 + 6 * i);
        }
        log.info("Atlas simulator listening on {} with {} organizations", simulator.baseUrl(), ORGS.size());
        log.info(
                "Local demo API key (READ and SYNC, every org): {}  e.g. curl -H 'X-API-Key: {}' "
                        + "'http://localhost:8080/api/v1/orgs?pretty=true'",
                DEMO_API_KEY,
                DEMO_API_KEY);
        return simulator;
    }

    @Bean
    DynamicPropertyRegistrar localAtlasProperties(AtlasSimulator simulator) {
        return registry -> {
            registry.add("billing.atlas.base-url", () -> simulator.baseUrl().toString());
            registry.add("billing.atlas.client-id", () -> CLIENT_ID);
            registry.add("billing.atlas.client-secret", () -> CLIENT_SECRET);
            registry.add("billing.sync.cron", () -> "0 */5 * * * *");
            registry.add("billing.security.api-keys[0].name", () -> "local-demo");
            registry.add("billing.security.api-keys[0].key", () -> DEMO_API_KEY);
            registry.add("billing.security.api-keys[0].roles", () -> "READ,SYNC");
            registry.add("billing.security.api-keys[0].orgs", () -> "*");
            for (int i = 0; i < ORGS.size(); i++) {
                int index = i;
                registry.add("billing.orgs[" + i + "].id", () -> ORGS.get(index)[0]);
                registry.add("billing.orgs[" + i + "].name", () -> ORGS.get(index)[1]);
            }
        };
    }
}
