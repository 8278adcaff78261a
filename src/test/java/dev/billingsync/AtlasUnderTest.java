package dev.billingsync;

import dev.billingsync.simulator.AtlasSimulator;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks the static {@link AtlasSimulator} field of a {@link BillingSyncIntegrationTest} as the Atlas the service talks
 * to. Before the application context starts, the simulator gets a service account and the service gets its URL, that
 * account and the orgs to sync ({@code billing.atlas.*}, {@code billing.orgs[i].id}); after the test class it is
 * closed. Further per-org settings ({@code billing.orgs[0].name}, keys) go in the test's own
 * {@code @DynamicPropertySource}, by the index of {@link #orgs()}.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(AtlasUnderTestExtension.class)
public @interface AtlasUnderTest {

    /** The orgs the service is configured with, in this order; empty: every org of the simulator, ordered by id. */
    String[] orgs() default {};

    String clientId() default "it-client";

    String clientSecret() default "it-secret";
}
