package dev.billingsync.invoices;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/** {@link LineItemJson} writes the bytes Jackson's record serialization writes, with the API's mapper settings. */
class LineItemJsonTests {

    /** Jackson's own serialization of the record: the annotation naming {@link LineItemJson} masked by a mix-in. */
    @JsonSerialize(using = ValueSerializer.None.class)
    interface RecordSerialization {}

    private static final JsonMapper.Builder API_SETTINGS = JsonMapper.builder()
            .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS);

    private static final JsonMapper HAND_WRITTEN = API_SETTINGS.build();
    private static final JsonMapper JACKSON = API_SETTINGS
            .addMixIn(InvoiceLineItem.class, RecordSerialization.class)
            .build();

    @Test
    void writesEveryFieldAsJacksonDoes() {
        Map<String, List<String>> tags = new LinkedHashMap<>();
        tags.put("env", List.of("prod", "eu \"west\""));
        tags.put("empty", List.of());
        tags.put("unicode ☃\n", List.of("\u0001\t\\/ é"));
        InvoiceLineItem line = new InvoiceLineItem(
                "Cluster \"0\"\u2028",
                Instant.parse("2026-11-02T01:02:03Z"),
                Instant.parse("2026-11-01T00:00:00.120Z"),
                Instant.parse("2026-11-02T00:00:00.000123Z"),
                "5f0c1a2b3c4d5e6f7a8b9c01",
                "Project <x>",
                "ATLAS_AWS_INSTANCE_M10",
                "server hours",
                new BigDecimal("24.000000"),
                new BigDecimal("0.0000001"),
                123_456_789_012L,
                -5L,
                new BigDecimal("1E+3"),
                new BigDecimal("-0.50"),
                new BigDecimal("12345678901234567890.123456789"),
                "",
                "app",
                "AWS",
                tags);

        assertSameBytes(line);
    }

    @Test
    void leavesOutAbsentFieldsAsJacksonDoes() {
        assertSameBytes(new InvoiceLineItem(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null));
        assertSameBytes(new InvoiceLineItem(
                null,
                Instant.parse("2026-11-02T01:02:03.123456789Z"),
                null,
                null,
                null,
                null,
                "SKU",
                null,
                null,
                null,
                0L,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Map.of()));
    }

    @Test
    void writesInstantsAsInstantToStringDoes() {
        SplittableRandom random = new SplittableRandom(13);
        List<Instant> instants = new ArrayList<>(List.of(
                Instant.EPOCH,
                Instant.ofEpochSecond(-1),
                Instant.ofEpochSecond(253_402_300_799L, 999_999_999),
                Instant.ofEpochSecond(253_402_300_800L),
                Instant.MIN,
                Instant.MAX,
                Instant.parse("2026-02-28T23:59:59.100Z"),
                Instant.parse("2028-02-29T12:00:00.000001Z"),
                Instant.parse("2026-12-31T00:00:00.000000010Z")));
        for (int i = 0; i < 100_000; i++) {
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            instants.add(Instant.ofEpochSecond(random.nextLong(-100_000_000_000L, 300_000_000_000L), nanos));
        }
        for (Instant instant : instants) {
            assertThat(LineItemJson.iso(instant)).isEqualTo(instant.toString());
        }
    }

    private static void assertSameBytes(InvoiceLineItem line) {
        assertThat(HAND_WRITTEN.writeValueAsString(line)).isEqualTo(JACKSON.writeValueAsString(line));
        assertThat(HAND_WRITTEN.writerWithDefaultPrettyPrinter().writeValueAsString(List.of(line)))
                .isEqualTo(JACKSON.writerWithDefaultPrettyPrinter().writeValueAsString(List.of(line)));
    }
}
