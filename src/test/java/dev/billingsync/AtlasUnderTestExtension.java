package dev.billingsync;

import dev.billingsync.simulator.AtlasSimulator;
import java.lang.reflect.Field;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ModifierSupport;
import org.springframework.util.ReflectionUtils;

/** Closes the {@link AtlasUnderTest} simulator after its test class. */
class AtlasUnderTestExtension implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        AnnotationSupport.findAnnotatedFields(
                        context.getRequiredTestClass(), AtlasUnderTest.class, ModifierSupport::isStatic)
                .forEach(field -> simulator(field).close());
    }

    static AtlasSimulator simulator(Field field) {
        ReflectionUtils.makeAccessible(field);
        return (AtlasSimulator) ReflectionUtils.getField(field, null);
    }
}
