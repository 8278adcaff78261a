package dev.billingsync.orgs;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns {@link InvalidConfigurationException} into Spring Boot's "APPLICATION FAILED TO START" report. */
class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
        return new FailureAnalysis(
                "The billing-sync configuration is invalid:\n  - " + String.join("\n  - ", cause.problems()),
                "Fix the properties named above (environment variables use relaxed binding, e.g."
                        + " billing.orgs[0].id is BILLING_ORGS_0_ID).",
                cause);
    }
}
