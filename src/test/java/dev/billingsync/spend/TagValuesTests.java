package dev.billingsync.spend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TagValuesTests {

    @Test
    void joinsSeveralValuesSortedInByteOrder() {
        assertThat(TagValues.joined(List.of("finance", "billing", "Zeta"))).isEqualTo("Zeta,billing,finance");
        assertThat(TagValues.joined(List.of("é", "z"))).isEqualTo("z,é");
    }

    @Test
    void keepsOneValueAsItIs() {
        assertThat(TagValues.joined(List.of("prod"))).isEqualTo("prod");
    }

    @Test
    void countsAMissingKeyOrAKeyWithoutValuesUnderNull() {
        assertThat(TagValues.joined(null)).isNull();
        assertThat(TagValues.joined(List.of())).isNull();
        assertThat(TagValues.joined(Arrays.asList((String) null))).isNull();
    }
}
