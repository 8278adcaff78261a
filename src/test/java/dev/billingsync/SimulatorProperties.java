package dev.billingsync;

import dev.billingsync.simulator.AtlasSimulator;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Points the application under test at an {@link AtlasSimulator}: its URL, a service account and the orgs to sync. */
public final class SimulatorProperties {

    private SimulatorProperties() {}

    public static void register(
            DynamicPropertyRegistry registry,
            AtlasSimulator atlas,
            String clientId,
            String clientSecret,
            String... orgIds) {
        registry.add("billing.atlas.base-url", () -> atlas.baseUrl().toString());
        registry.add("billing.atlas.client-id", () -> clientId);
        registry.add("billing.atlas.client-secret", () -> clientSecret);
        for (int i = 0; i < orgIds.length; i++) {
            String orgId = orgIds[i];
            registry.add("billing.orgs[" + i + "].id", () -> orgId);
        }
    }
}
