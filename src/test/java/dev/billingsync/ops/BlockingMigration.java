package dev.billingsync.ops;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;

/**
 * Holds Flyway's migration until the test releases it, so a test can look at the application while its schema is not
 * migrated yet. Deliberately not a {@code @Configuration}: component scanning must never pick it up; it is passed to
 * the application as a source.
 */
class BlockingMigration {

    static final CountDownLatch migrationReached = new CountDownLatch(1);
    static final CountDownLatch migrationReleased = new CountDownLatch(1);

    @Bean
    FlywayMigrationStrategy blockingMigrationStrategy() {
        return flyway -> {
            migrationReached.countDown();
            try {
                if (!migrationReleased.await(2, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("The test never released the migration");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            flyway.migrate();
        };
    }
}
