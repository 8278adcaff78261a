package dev.billingsync;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An API key the service under a {@link BillingSyncIntegrationTest} accepts: {@code billing.security.api-keys[i]}, in
 * the order the annotations are declared.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(TestApiKey.List.class)
public @interface TestApiKey {

    String name();

    String key();

    /** {@code READ}, {@code SYNC} or both. */
    String[] roles();

    /** The orgs the key may see; {@code *} for every org. */
    String[] orgs() default "*";

    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @interface List {
        TestApiKey[] value();
    }
}
