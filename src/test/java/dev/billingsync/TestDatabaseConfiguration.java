package dev.billingsync;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * Points the application at a database of its own on {@link TestPostgres}. Set {@code billing.test.database} to share
 * one named database between several application contexts (the multi-replica tests do).
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestDatabaseConfiguration {

    @Bean
    DynamicPropertyRegistrar testDatabaseProperties(Environment environment) {
        String shared = environment.getProperty("billing.test.database");
        String url = shared == null ? TestPostgres.newDatabase("billing") : TestPostgres.sharedDatabase(shared);
        TestPostgres.Server server = TestPostgres.server();
        return registry -> {
            registry.add("spring.datasource.url", () -> url);
            registry.add("spring.datasource.username", server::user);
            registry.add("spring.datasource.password", server::password);
        };
    }
}
