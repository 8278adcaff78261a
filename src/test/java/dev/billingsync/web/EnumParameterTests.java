package dev.billingsync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.billingsync.web.ApiError.FieldViolation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnumParameterTests {

    enum Status {
        RUNNING,
        SUCCEEDED,
        START_DATE
    }

    static final EnumParameter<Status> STATUS = EnumParameter.of("status", Status.class);

    @ParameterizedTest
    @ValueSource(strings = {"RUNNING", "running", "Running", " running ", "\trunning\n", "RUNNıNG"})
    void matchesAConstantIgnoringCaseAndSurroundingWhiteSpace(String value) {
        assertThat(STATUS.parse(value)).isEqualTo(Status.RUNNING);
    }

    @Test
    void matchesAConstantWithAnUnderscore() {
        assertThat(STATUS.parse("start_date")).isEqualTo(Status.START_DATE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "RUN", "RUNNING,SUCCEEDED", "start-date", "startDate", "0"})
    void rejectsAValueThatNamesNoConstant(String value) {
        assertThatExceptionOfType(ApiException.class)
                .isThrownBy(() -> STATUS.parse(value))
                .satisfies(e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errorCode()).isEqualTo("INVALID_PARAMETER");
                    assertThat(e.detail()).isEqualTo("Invalid value for parameter status.");
                    assertThat(e.parameters()).containsExactly("status");
                    assertThat(e.toApiError().badRequestDetail().fields())
                            .containsExactly(
                                    new FieldViolation("status", "must be one of [RUNNING, SUCCEEDED, START_DATE]"));
                });
    }

    @Test
    void listsTheConstantsInLowerCaseWhenAsked() {
        assertThatExceptionOfType(ApiException.class)
                .isThrownBy(() -> EnumParameter.of("sortBy", Status.class)
                        .listedInLowerCase()
                        .parse("nope"))
                .satisfies(e -> assertThat(e.toApiError().badRequestDetail().fields())
                        .containsExactly(
                                new FieldViolation("sortBy", "must be one of [running, succeeded, start_date]")));
    }
}
