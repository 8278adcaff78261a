package dev.billingsync;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Counts the SQL statements the application prepares, to prove that a read costs a fixed number of statements
 * whatever the amount of data (no N+1). Wraps the application's {@link DataSource}.
 */
@TestConfiguration(proxyBeanMethods = false)
public class StatementCounter {

    private static final Set<String> STATEMENT_METHODS = Set.of("prepareStatement", "createStatement", "prepareCall");
    private static final AtomicLong statements = new AtomicLong();

    public static long count() {
        return statements.get();
    }

    /** Statements prepared while {@code action} ran. */
    public static long during(Runnable action) {
        long before = statements.get();
        action.run();
        return statements.get() - before;
    }

    @Bean
    static BeanPostProcessor statementCountingDataSource() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof DataSource dataSource && !(Proxy.isProxyClass(bean.getClass()))) {
                    return Proxy.newProxyInstance(
                            getClass().getClassLoader(), new Class<?>[] {DataSource.class}, forward(dataSource, true));
                }
                return bean;
            }
        };
    }

    private static InvocationHandler forward(Object target, boolean isDataSource) {
        return (proxy, method, args) -> {
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (isDataSource
                    && result instanceof Connection connection
                    && method.getName().equals("getConnection")) {
                return Proxy.newProxyInstance(
                        StatementCounter.class.getClassLoader(),
                        new Class<?>[] {Connection.class},
                        countingConnection(connection));
            }
            return result;
        };
    }

    private static InvocationHandler countingConnection(Connection connection) {
        return (proxy, method, args) -> {
            if (STATEMENT_METHODS.contains(method.getName())) {
                statements.incrementAndGet();
            }
            if (method.getName().equals("unwrap") || method.getName().equals("isWrapperFor")) {
                return method.invoke(connection, args);
            }
            try {
                return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
    }
}
