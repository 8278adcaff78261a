package dev.billingsync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Each way an API key entry can be wrong stops startup naming the property, never showing a key. */
@ExtendWith(OutputCaptureExtension.class)
class ApiSecurityPropertiesTests {

    static final String ORG = "5f0c1a2b3c4d5e6f7a8b9c01";
    static final String KEY = "a-valid-key-0123456789";

    /** Plain, not a {@code @Configuration}, so that no component scan picks it up. */
    @EnableConfigurationProperties(ApiSecurityProperties.class)
    static class Config {}

    final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Config.class);

    static String[] key(int index, String... properties) {
        List<String> all = new ArrayList<>();
        for (String property : properties) {
            all.add("billing.security.api-keys[" + index + "]." + property);
        }
        return all.toArray(String[]::new);
    }

    @Test
    void bindsPlainAndHashedKeys() {
        runner.withPropertyValues(key(0, "name=finance", "key=" + KEY, "roles=READ,SYNC", "orgs=" + ORG))
                .withPropertyValues(key(1, "name=audit", "key-sha256=" + "AB".repeat(32), "roles=read", "orgs=*"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ApiSecurityProperties properties = context.getBean(ApiSecurityProperties.class);
                    assertThat(properties.apiKeys()).hasSize(2);
                    assertThat(properties.apiKeys().get(0).roles())
                            .containsExactlyInAnyOrder(ApiRole.READ, ApiRole.SYNC);
                    assertThat(properties.apiKeys().get(1).roles()).containsExactly(ApiRole.READ);
                    assertThat(properties.toString())
                            .contains("finance", "audit")
                            .doesNotContain(KEY, "ABAB");
                });
    }

    @Test
    void acceptsNoKeysAtAll() {
        runner.run(context -> assertThat(
                        context.getBean(ApiSecurityProperties.class).apiKeys())
                .isEmpty());
    }

    @Test
    void rejectsAShortKeyWithoutShowingIt() {
        assertFailure(
                key(0, "name=finance", "key=short-key", "roles=READ", "orgs=" + ORG),
                "billing.security.api-keys[0].key must be at least 16 characters long");
        assertThat(startupFailure(key(0, "name=finance", "key=short-key", "roles=READ", "orgs=" + ORG)))
                .doesNotContain("short-key");
    }

    @Test
    void rejectsAKeyWithSurroundingWhitespace() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ApiSecurityProperties(List.of(new ApiSecurityProperties.ApiKey(
                        "finance", KEY + "\n", null, Set.of(ApiRole.READ), List.of(ORG)))))
                .withMessageContaining("billing.security.api-keys[0].key must not start or end with whitespace");
    }

    @Test
    void rejectsAnEntryWithoutAnyKey() {
        assertFailure(
                key(0, "name=finance", "roles=READ", "orgs=" + ORG),
                "billing.security.api-keys[0].key (or .key-sha256) is required");
    }

    @Test
    void rejectsBothAKeyAndItsHash() {
        assertFailure(
                key(0, "name=finance", "key=" + KEY, "key-sha256=" + "ab".repeat(32), "roles=READ", "orgs=" + ORG),
                "billing.security.api-keys[0]: set either .key or .key-sha256, not both");
    }

    @Test
    void rejectsAMalformedHash() {
        assertFailure(
                key(0, "name=finance", "key-sha256=not-a-digest", "roles=READ", "orgs=" + ORG),
                "billing.security.api-keys[0].key-sha256 must be the key's SHA-256 digest: 64 hexadecimal digits");
    }

    @Test
    void rejectsAMissingName() {
        assertFailure(
                key(0, "key=" + KEY, "roles=READ", "orgs=" + ORG), "billing.security.api-keys[0].name is required");
    }

    @Test
    void rejectsAnUnknownRole() {
        assertFailure(
                key(0, "name=finance", "key=" + KEY, "roles=READ,ADMIN", "orgs=" + ORG),
                "billing.security.api-keys[0].roles");
    }

    @Test
    void rejectsMissingRolesAndOrgs() {
        String failure = startupFailure(key(0, "name=finance", "key=" + KEY));
        assertThat(failure)
                .contains("billing.security.api-keys[0].roles must list READ and/or SYNC")
                .contains("billing.security.api-keys[0].orgs must list org ids, or * for every org");
    }

    @Test
    void rejectsAMalformedOrgId() {
        assertFailure(
                key(0, "name=finance", "key=" + KEY, "roles=READ", "orgs=" + ORG + ",5F0C1A2B3C4D5E6F7A8B9C01"),
                "billing.security.api-keys[0].orgs[1] must be an Atlas org id (24 lower-case hex digits) or *");
        assertFailure(
                key(0, "name=finance", "key=" + KEY, "roles=READ", "orgs=*," + ORG),
                "billing.security.api-keys[0].orgs: use * alone or a list of org ids, not both");
    }

    @Test
    void rejectsTheSameKeyOrNameTwiceWithoutShowingTheKey() {
        String sha = "d5f6f8f2a5b4c0a3b1c1e1d6c0f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2";
        String failure = startupFailure(concat(
                key(0, "name=finance", "key=" + KEY, "roles=READ", "orgs=" + ORG),
                key(1, "name=finance", "key=" + KEY, "roles=SYNC", "orgs=" + ORG),
                key(2, "name=other", "key-sha256=" + sha, "roles=READ", "orgs=*"),
                key(3, "name=other2", "key-sha256=" + sha.toUpperCase(), "roles=READ", "orgs=*")));
        assertThat(failure)
                .contains("billing.security.api-keys[1].name: the same name as billing.security.api-keys[0].name")
                .contains("billing.security.api-keys[1]: the same key as billing.security.api-keys[0]")
                .contains("billing.security.api-keys[3]: the same key as billing.security.api-keys[2]")
                .doesNotContain(KEY, sha, sha.toUpperCase());
    }

    @Test
    void reportsEveryProblemAtOnce() {
        String failure = startupFailure(concat(
                key(0, "name=finance", "key=short", "roles=READ", "orgs=" + ORG),
                key(1, "key=" + KEY, "roles=READ", "orgs=nope")));
        assertThat(failure)
                .contains("billing.security.api-keys[0].key must be at least 16 characters long")
                .contains("billing.security.api-keys[1].name is required")
                .contains("billing.security.api-keys[1].orgs[0] must be an Atlas org id");
    }

    @Test
    void startupReportNamesThePropertyAndHidesTheKey(CapturedOutput output) {
        SpringApplication application = new SpringApplication(Config.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatException()
                .isThrownBy(() -> application.run(
                        "--billing.security.api-keys[0].name=finance",
                        "--billing.security.api-keys[0].key=too-short-key",
                        "--billing.security.api-keys[0].roles=READ",
                        "--billing.security.api-keys[0].orgs=" + ORG));
        assertThat(output.getAll())
                .contains("APPLICATION FAILED TO START")
                .contains("billing.security.api-keys[0].key must be at least 16 characters long")
                .doesNotContain("too-short-key");
    }

    private void assertFailure(String[] properties, String message) {
        assertThat(startupFailure(properties)).contains(message);
    }

    private String startupFailure(String[] properties) {
        StringBuilder text = new StringBuilder();
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                text.append(t.getMessage()).append('\n');
            }
        });
        return text.toString();
    }

    private static String[] concat(String[]... groups) {
        List<String> all = new ArrayList<>();
        for (String[] group : groups) {
            all.addAll(List.of(group));
        }
        return all.toArray(String[]::new);
    }
}
