package dev.billingsync.config;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts {@link DatabaseProperties} (and no data in error messages) on the pool's connections as pgjdbc properties, before the pool opens its first
 * connection. Values given in the JDBC URL win: pgjdbc lets URL parameters override these.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseTimeoutsConfiguration {

    @Bean
    static BeanPostProcessor databaseTimeouts(ObjectProvider<DatabaseProperties> properties) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof HikariDataSource pool) {
                    DatabaseProperties timeouts = properties.getObject();
                    pool.addDataSourceProperty("connectTimeout", Long.toString(seconds(timeouts.connectTimeout())));
                    pool.addDataSourceProperty("socketTimeout", Long.toString(seconds(timeouts.socketTimeout())));
                    pool.addDataSourceProperty("tcpKeepAlive", Boolean.toString(timeouts.tcpKeepAlive()));
                    // Server error details and failed batch entries are left out of exceptions, so that the values
                    // they would quote (invoice data) never reach a log.
                    pool.addDataSourceProperty("logServerErrorDetail", "false");
                    pool.addDataSourceProperty(
                            "options",
                            "-c statement_timeout="
                                    + timeouts.statementTimeout().toMillis());
                }
                return bean;
            }
        };
    }

    /** pgjdbc takes whole seconds; a fraction rounds up, so a timeout is never shortened to zero (none). */
    private static long seconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }
}
