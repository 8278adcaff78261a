package dev.billingsync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Accepting JWTs without an audience, or from a JWK set without an issuer, stops startup naming the property. */
@ExtendWith(OutputCaptureExtension.class)
class JwtPropertiesTests {

    static final String JWT = "spring.security.oauth2.resourceserver.jwt.";
    static final String AUDIENCES_REQUIRED = JWT + "audiences is required when JWTs are accepted";
    static final String ISSUER_REQUIRED = JWT + "issuer-uri is required with jwk-set-uri";

    /** Plain, not a {@code @Configuration}, so that no component scan picks it up. */
    @EnableConfigurationProperties(JwtProperties.class)
    static class Config {}

    final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Config.class);

    @Test
    void startsWithoutJwtsAtAll() {
        runner.run(context ->
                assertThat(context.getBean(JwtProperties.class).enabled()).isFalse());
    }

    @Test
    void startsWithAnAudienceAndAKnownIssuer() {
        runner.withPropertyValues(JWT + "issuer-uri=https://login.example.test", JWT + "audiences=billing-sync")
                .run(context -> assertThat(context).hasNotFailed());
        runner.withPropertyValues(
                        JWT + "jwk-set-uri=https://login.example.test/jwks",
                        JWT + "issuer-uri=https://login.example.test",
                        JWT + "audiences=billing-sync")
                .run(context -> assertThat(context).hasNotFailed());
        runner.withPropertyValues(JWT + "public-key-location=classpath:key.pub", JWT + "audiences=billing-sync")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void requiresAnAudienceWheneverJwtsAreAccepted() {
        for (String source : new String[] {
            "issuer-uri=https://login.example.test", "public-key-location=classpath:key.pub",
        }) {
            assertThat(startupFailure(JWT + source)).as(source).contains(AUDIENCES_REQUIRED);
            assertThat(startupFailure(JWT + source, JWT + "audiences= "))
                    .as(source)
                    .contains(AUDIENCES_REQUIRED);
        }
    }

    @Test
    void requiresTheIssuerBesideAJwkSetUri() {
        assertThat(startupFailure(JWT + "jwk-set-uri=https://login.example.test/jwks", JWT + "audiences=billing-sync"))
                .contains(ISSUER_REQUIRED)
                .doesNotContain(AUDIENCES_REQUIRED);
        assertThat(startupFailure(JWT + "jwk-set-uri=https://login.example.test/jwks"))
                .contains(ISSUER_REQUIRED, AUDIENCES_REQUIRED);
    }

    @Test
    void startupReportNamesTheProperty(CapturedOutput output) {
        SpringApplication application = new SpringApplication(Config.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatException().isThrownBy(() -> application.run("--" + JWT + "issuer-uri=https://login.example.test"));
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START").contains(AUDIENCES_REQUIRED);
    }

    private String startupFailure(String... properties) {
        StringBuilder text = new StringBuilder();
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                text.append(t.getMessage()).append('\n');
            }
        });
        return text.toString();
    }
}
