package dev.billingsync;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs the whole service locally with nothing installed: an embedded PostgreSQL and the Atlas simulator preloaded
 * with a few organizations, syncing on its schedule. Start it with {@code ./mvnw spring-boot:test-run}.
 */
public class TestBillingSyncApplication {

    public static void main(String[] args) {
        start(args);
    }

    static ConfigurableApplicationContext start(String... args) {
        return SpringApplication.from(BillingSyncApplication::main)
                .with(TestDatabaseConfiguration.class, LocalAtlasConfiguration.class)
                .run(args)
                .getApplicationContext();
    }
}
