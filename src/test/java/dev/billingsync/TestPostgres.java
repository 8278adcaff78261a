package dev.billingsync;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The one PostgreSQL server the tests (and the local run) use, chosen once per JVM: the JDBC URL in
 * {@code BILLING_TEST_JDBC_URL} (with {@code BILLING_TEST_JDBC_USER} / {@code BILLING_TEST_JDBC_PASSWORD}) if set,
 * else a Testcontainers PostgreSQL when Docker answers, else an embedded PostgreSQL in this JVM. Each caller gets a
 * database of its own on that server, so test contexts never see each other's rows.
 */
public final class TestPostgres {

    /** Pinned here and in docker-compose.yml / the pom's embedded binaries. */
    public static final String IMAGE = "postgres:17.6";

    private static final Logger log = LoggerFactory.getLogger(TestPostgres.class);
    private static final AtomicInteger databases = new AtomicInteger();
    private static volatile Server server;

    private TestPostgres() {}

    public record Server(String adminUrl, String user, String password, String source) {

        /** The JDBC URL of database {@code name} on this server. */
        public String urlOf(String name) {
            int slash = adminUrl.lastIndexOf('/');
            int query = adminUrl.indexOf('?', slash);
            return adminUrl.substring(0, slash + 1) + name + (query < 0 ? "" : adminUrl.substring(query));
        }
    }

    public static Server server() {
        Server current = server;
        if (current == null) {
            synchronized (TestPostgres.class) {
                current = server;
                if (current == null) {
                    current = start();
                    server = current;
                    log.info("Test PostgreSQL: {}", current.source());
                }
            }
        }
        return current;
    }

    /** Creates a new, empty database and returns its JDBC URL. */
    public static String newDatabase(String prefix) {
        String name = (prefix + "_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet()).toLowerCase();
        createDatabaseIfMissing(name);
        return server().urlOf(name);
    }

    /** Creates database {@code name} unless it exists (several contexts can then share it) and returns its URL. */
    public static String sharedDatabase(String name) {
        createDatabaseIfMissing(name);
        return server().urlOf(name);
    }

    private static synchronized void createDatabaseIfMissing(String name) {
        Server s = server();
        try (Connection c = DriverManager.getConnection(s.adminUrl(), s.user(), s.password());
                var exists = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, name);
            if (!exists.executeQuery().next()) {
                try (var create = c.createStatement()) {
                    create.execute("create database \"" + name + "\"");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create test database " + name, e);
        }
    }

    private static Server start() {
        String url = System.getenv("BILLING_TEST_JDBC_URL");
        if (url != null && !url.isBlank()) {
            return new Server(
                    url,
                    System.getenv().getOrDefault("BILLING_TEST_JDBC_USER", "postgres"),
                    System.getenv().getOrDefault("BILLING_TEST_JDBC_PASSWORD", ""),
                    "BILLING_TEST_JDBC_URL");
        }
        if (dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer(IMAGE);
            container.start();
            return new Server(
                    container.getJdbcUrl(), container.getUsername(), container.getPassword(), "Testcontainers");
        }
        try {
            EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (IOException ignored) {
                    // the JVM is going away; the data directory is temporary
                }
            }));
            return new Server(
                    embedded.getJdbcUrl("postgres", "postgres"), "postgres", "postgres", "embedded PostgreSQL");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start embedded PostgreSQL", e);
        }
    }

    private static boolean dockerAvailable() {
        boolean configured = System.getenv("DOCKER_HOST") != null
                || java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))
                || java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("user.home"), ".docker"));
        if (!configured) {
            // asking Testcontainers would only log an alarming stack of failed strategies
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
