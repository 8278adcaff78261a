package dev.billingsync;

import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.simulator.SimulatedOrg;
import java.lang.reflect.Field;
import java.util.List;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ModifierSupport;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.DynamicPropertyRegistrar;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Points the application context of a {@link BillingSyncIntegrationTest} at its {@link AtlasUnderTest} simulator and
 * gives it the test's {@link TestApiKey}s. The properties go in as a {@link DynamicPropertyRegistrar}, into the same property source as the test's own
 * {@code @DynamicPropertySource} values, so that {@code billing.orgs[0].id} here and {@code billing.orgs[0].name}
 * there bind to one org. One context per test class, as with a {@code @DynamicPropertySource} of its own.
 */
class AtlasUnderTestContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(
            Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        List<Field> fields = AnnotationSupport.findAnnotatedFields(testClass, AtlasUnderTest.class, field -> true);
        if (fields.size() != 1
                || !ModifierSupport.isStatic(fields.get(0))
                || fields.get(0).getType() != AtlasSimulator.class) {
            throw new IllegalStateException(testClass.getName()
                    + " needs exactly one static AtlasSimulator field annotated @AtlasUnderTest, has " + fields);
        }
        List<TestApiKey> apiKeys =
                List.copyOf(AnnotatedElementUtils.findMergedRepeatableAnnotations(testClass, TestApiKey.class));
        return new AtlasCustomizer(fields.get(0), apiKeys);
    }

    private record AtlasCustomizer(Field field, List<TestApiKey> apiKeys) implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            AtlasUnderTest settings = field.getAnnotation(AtlasUnderTest.class);
            AtlasSimulator atlas = AtlasUnderTestExtension.simulator(field);
            atlas.addServiceAccount(settings.clientId(), settings.clientSecret());
            List<String> orgIds = settings.orgs().length > 0
                    ? List.of(settings.orgs())
                    : atlas.orgs().stream().map(SimulatedOrg::id).sorted().toList();
            DynamicPropertyRegistrar properties = registry -> {
                registry.add("billing.atlas.base-url", () -> atlas.baseUrl().toString());
                registry.add("billing.atlas.client-id", settings::clientId);
                registry.add("billing.atlas.client-secret", settings::clientSecret);
                for (int i = 0; i < orgIds.size(); i++) {
                    String orgId = orgIds.get(i);
                    registry.add("billing.orgs[" + i + "].id", () -> orgId);
                }
                for (int i = 0; i < apiKeys.size(); i++) {
                    TestApiKey apiKey = apiKeys.get(i);
                    String prefix = "billing.security.api-keys[" + i + "].";
                    registry.add(prefix + "name", apiKey::name);
                    registry.add(prefix + "key", apiKey::key);
                    registry.add(prefix + "roles", () -> String.join(",", apiKey.roles()));
                    registry.add(prefix + "orgs", () -> String.join(",", apiKey.orgs()));
                }
            };
            context.getBeanFactory().registerSingleton("atlasUnderTestProperties", properties);
        }
    }
}
