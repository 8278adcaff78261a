package dev.billingsync.sync;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.support.KeepAliveLockProvider;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The per-org lock provider. Its keep-alive executor is deliberately not a bean: a {@code ScheduledExecutorService}
 * bean would replace Spring Boot's task scheduler for {@code @Scheduled}.
 */
@Configuration(proxyBeanMethods = false)
class LockConfig implements DisposableBean {

    private final ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "sync-lock-keepalive");
        thread.setDaemon(true);
        return thread;
    });

    /** Database time, not each replica's clock, decides when a lock expires. */
    @Bean
    LockProvider lockProvider(DataSource dataSource) {
        JdbcTemplateLockProvider jdbc = new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource))
                .usingDbTime()
                .build());
        return new KeepAliveLockProvider(jdbc, keepAlive);
    }

    @Override
    public void destroy() {
        keepAlive.shutdownNow();
    }
}
