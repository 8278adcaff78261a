package dev.billingsync.config;

import jakarta.validation.constraints.AssertTrue;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long a database connection may hang ({@code billing.database.*}), applied to every pooled connection: after a
 * failover, a half-open connection fails its statement within {@code socketTimeout} instead of hanging a replica
 * (whose lock keep-alive would otherwise hold the org forever).
 *
 * @param connectTimeout TCP connect and authentication timeout (pgjdbc {@code connectTimeout})
 * @param socketTimeout longest wait for the database to answer on an open connection (pgjdbc {@code socketTimeout});
 *     longer than {@code statementTimeout}, so a slow statement fails on the server with a clear error first
 * @param statementTimeout PostgreSQL {@code statement_timeout} of every session: the longest one statement may run
 * @param tcpKeepAlive TCP keep-alive probes, so a peer that vanished is noticed on idle pooled connections too
 */
@ConfigurationProperties("billing.database")
@Validated
public record DatabaseProperties(
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("150s") Duration socketTimeout,
        @DefaultValue("2m") Duration statementTimeout,
        @DefaultValue("true") boolean tcpKeepAlive) {

    @AssertTrue(
            message =
                    "billing.database.socket-timeout must be longer than billing.database.statement-timeout"
                            + " (both above zero), so a slow statement is ended by PostgreSQL before the connection is given up")
    boolean isSocketTimeoutAboveStatementTimeout() {
        return !statementTimeout.isNegative()
                && !statementTimeout.isZero()
                && !connectTimeout.isNegative()
                && !connectTimeout.isZero()
                && socketTimeout.compareTo(statementTimeout) > 0;
    }
}
