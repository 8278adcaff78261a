package dev.billingsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.atlas.AtlasCredentials;
import dev.billingsync.atlas.AtlasProperties;
import dev.billingsync.orgs.ConfiguredOrgs;
import dev.billingsync.orgs.OrgDiscoveryProperties;
import dev.billingsync.orgs.OrgProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** Each way the configuration can be wrong stops startup with a message that names the property to fix. */
class ConfigurationValidationTests {

    static final String ORG = "5f0c1a2b3c4d5e6f7a8b9c01";

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({AtlasProperties.class, OrgProperties.class, SyncProperties.class})
    @Import({ConfiguredOrgs.class, OrgCredentials.class})
    static class Config {}

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Config.class);

    @Test
    void acceptsAnOrgWithGlobalServiceAccountCredentials() {
        runner.withPropertyValues(
                        "billing.atlas.client-id=id", "billing.atlas.client-secret=secret", "billing.orgs[0].id=" + ORG)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    OrgCredentials orgs = context.getBean(OrgCredentials.class);
                    assertThat(orgs.all())
                            .singleElement()
                            .satisfies(org -> assertThat(org.credentials())
                                    .isEqualTo(new AtlasCredentials.ServiceAccount("id", "secret")));
                });
    }

    @Test
    void perOrgOverrideWinsOverGlobalCredentials() {
        runner.withPropertyValues(
                        "billing.atlas.client-id=id",
                        "billing.atlas.client-secret=secret",
                        "billing.orgs[0].id=" + ORG,
                        "billing.orgs[0].public-key=pub",
                        "billing.orgs[0].private-key=priv")
                .run(context -> assertThat(context.getBean(OrgCredentials.class)
                                .all()
                                .get(0)
                                .credentials())
                        .isEqualTo(new AtlasCredentials.ApiKey("pub", "priv")));
    }

    @Test
    void rejectsAMalformedOrgIdNamingTheProperty() {
        runner.withPropertyValues(
                        "billing.atlas.client-id=id",
                        "billing.atlas.client-secret=secret",
                        "billing.orgs[0].id=5F0C1A2B3C4D5E6F7A8B9C01")
                .run(context -> assertThat(failureText(context.getStartupFailure()))
                        .contains("orgs[0].id")
                        .contains("must be an Atlas organization id: 24 lower-case hex digits"));
    }

    @Test
    void rejectsAnOrgWithoutAnyCredentials() {
        runner.withPropertyValues("billing.orgs[0].id=" + ORG)
                .run(context -> assertThat(failureText(context.getStartupFailure()))
                        .contains("billing.orgs[0]: no Atlas credentials")
                        .contains("billing.atlas.client-id"));
    }

    @Test
    void rejectsAClientIdWithoutItsSecret() {
        runner.withPropertyValues("billing.atlas.client-id=id", "billing.orgs[0].id=" + ORG)
                .run(context -> assertThat(failureText(context.getStartupFailure()))
                        .contains("billing.atlas.client-secret is required when billing.atlas.client-id is set"));
    }

    @Test
    void rejectsAPrivateKeyWithoutItsPublicKeyOnAnOrg() {
        runner.withPropertyValues(
                        "billing.atlas.client-id=id",
                        "billing.atlas.client-secret=secret",
                        "billing.orgs[0].id=" + ORG,
                        "billing.orgs[0].private-key=priv")
                .run(context -> assertThat(failureText(context.getStartupFailure()))
                        .contains("billing.orgs[0].public-key is required when billing.orgs[0].private-key is set"));
    }

    @Test
    void rejectsTheSameOrgTwice() {
        runner.withPropertyValues(
                        "billing.atlas.client-id=id",
                        "billing.atlas.client-secret=secret",
                        "billing.orgs[0].id=" + ORG,
                        "billing.orgs[1].id=" + ORG)
                .run(context -> assertThat(failureText(context.getStartupFailure()))
                        .contains("billing.orgs[1].id: organization " + ORG + " is configured twice"));
    }

    @Test
    void rejectsAMalformedCronNamingTheProperty() {
        assertThat(failureText(catchThrowable(() -> SyncSchedule.parse("every hour"))))
                .contains("billing.sync.cron");
    }

    @Test
    void rejectsAParallelismOutsideOneToSixtyFourNamingTheProperty() {
        for (String parallelism : new String[] {"0", "65"}) {
            runner.withPropertyValues(
                            "billing.atlas.client-id=id",
                            "billing.atlas.client-secret=secret",
                            "billing.orgs[0].id=" + ORG,
                            "billing.sync.parallelism=" + parallelism)
                    .run(context -> assertThat(failureText(context.getStartupFailure()))
                            .contains("billing.sync")
                            .contains("parallelism"));
        }
        runner.withPropertyValues(
                        "billing.atlas.client-id=id", "billing.atlas.client-secret=secret", "billing.orgs[0].id=" + ORG)
                .run(context -> assertThat(context.getBean(SyncProperties.class).parallelism())
                        .isEqualTo(4));
    }

    @Test
    void rejectsDiscoveryWithoutGlobalCredentialsNamingTheProperty() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
                .withUserConfiguration(DiscoveryConfig.class)
                .withPropertyValues(
                        "billing.orgs[0].id=" + ORG,
                        "billing.orgs[0].client-id=own",
                        "billing.orgs[0].client-secret=own-secret",
                        "billing.orgs-discovery.enabled=true")
                .run(context -> assertThat(failureText(context.getStartupFailure()))
                        .contains("billing.orgs-discovery.enabled")
                        .contains("billing.atlas.client-id"));
    }

    @Test
    void rejectsAMalformedExcludedOrgIdNamingTheProperty() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
                .withUserConfiguration(DiscoveryConfig.class)
                .withPropertyValues(
                        "billing.atlas.client-id=id",
                        "billing.atlas.client-secret=secret",
                        "billing.orgs-discovery.enabled=true",
                        "billing.orgs-discovery.exclude[0]=not-an-org")
                .run(context -> assertThat(failureText(context.getStartupFailure()))
                        .contains("billing.orgs-discovery")
                        .contains("exclude[0]"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({
        AtlasProperties.class,
        OrgProperties.class,
        SyncProperties.class,
        OrgDiscoveryProperties.class
    })
    @Import({ConfiguredOrgs.class, OrgCredentials.class, SyncedOrgs.class})
    static class DiscoveryConfig {

        @org.springframework.context.annotation.Bean
        java.time.Clock clock() {
            return java.time.Clock.systemUTC();
        }
    }

    @Test
    void neverPrintsASecretInTheFailure() {
        runner.withPropertyValues("billing.atlas.client-secret=top-secret-value", "billing.orgs[0].id=" + ORG)
                .run(context -> assertThat(failureText(context.getStartupFailure()))
                        .contains("billing.atlas.client-id is required")
                        .doesNotContain("top-secret-value"));
    }

    private static Throwable catchThrowable(Runnable runnable) {
        try {
            runnable.run();
            return new AssertionError("no failure");
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** The whole cause chain as text, as Spring Boot prints it at startup. */
    private static String failureText(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(t.getMessage()).append('\n');
        }
        return text.toString();
    }
}
