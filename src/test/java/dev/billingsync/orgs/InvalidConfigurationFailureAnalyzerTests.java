package dev.billingsync.orgs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;

class InvalidConfigurationFailureAnalyzerTests {

    @Test
    void failureAnalyzerReportsEveryProblem() {
        InvalidConfigurationException failure = new InvalidConfigurationException(
                List.of("billing.orgs[0].id: bad", "billing.atlas.client-secret is required"));
        FailureAnalysis analysis = new InvalidConfigurationFailureAnalyzer().analyze(failure);
        assertThat(analysis.getDescription()).contains("billing.orgs[0].id: bad", "billing.atlas.client-secret");
        assertThat(analysis.getAction()).contains("BILLING_ORGS_0_ID");
    }
}
