package dev.billingsync;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.context.ContextCustomizerFactories;
import org.springframework.test.context.TestPropertySource;

/**
 * The whole service on a database of its own ({@link TestDatabaseConfiguration}), talking to the {@link AtlasUnderTest}
 * simulator the test class declares, accepting the {@link TestApiKey}s it declares, with the schedules off: the test
 * runs each sync itself. A test class states only what is particular to it: its orgs, keys, properties and web
 * environment. Each test class gets an application context of its own, as with a {@code @DynamicPropertySource}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest
@Import(TestDatabaseConfiguration.class)
@ContextCustomizerFactories(AtlasUnderTestContextCustomizerFactory.class)
@TestPropertySource(properties = "billing.sync.enabled=false")
public @interface BillingSyncIntegrationTest {

    @AliasFor(annotation = SpringBootTest.class)
    String[] properties() default {};

    @AliasFor(annotation = SpringBootTest.class)
    SpringBootTest.WebEnvironment webEnvironment() default SpringBootTest.WebEnvironment.MOCK;
}
