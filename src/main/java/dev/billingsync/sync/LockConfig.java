package dev.billingsync.sync;

import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** The per-org lock provider; {@link OrgSyncLock} keeps held locks alive. */
@Configuration(proxyBeanMethods = false)
class LockConfig {

    @Bean
    ReplicaName replicaName() {
        return ReplicaName.create();
    }

    /** Database time, not each replica's clock, decides when a lock expires; the owner is this replica's name. */
    @Bean
    LockProvider lockProvider(DataSource dataSource, ReplicaName replica) {
        return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource))
                .usingDbTime()
                .withLockedByValue(replica.value())
                .build());
    }
}
