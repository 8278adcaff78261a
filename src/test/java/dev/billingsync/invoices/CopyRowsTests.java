package dev.billingsync.invoices;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyRowsTests {

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final CopyRows rows = new CopyRows((bytes, length) -> out.write(bytes, 0, length));

    @Test
    void writesEveryKindOfCellInCopyTextFormat() throws Exception {
        rows.text("plain")
                .text(null)
                .text("tab\there\\back\nnew\rret")
                .text("caf\u00e9 \uD83D\uDE00 \u4e2d|\uD800|x")
                .text("")
                .number(0)
                .number(-42)
                .number(Long.valueOf(Long.MIN_VALUE))
                .number(Long.valueOf(Long.MAX_VALUE))
                .number((Long) null)
                .decimal(new BigDecimal("0.0000001"))
                .decimal(new BigDecimal("1.50"))
                .decimal(null)
                .instant(Instant.parse("2026-11-02T04:10:00.120Z"))
                .instant(Instant.parse("2026-11-02T04:10:00Z"))
                .instant(Instant.parse("2026-11-02T04:10:00.000000001Z"))
                .instant(null)
                .bool(true)
                .bool(false)
                .endRow();
        rows.number(7).instant(Instant.parse("2026-11-02T04:10:00Z")).endRow();
        rows.flush();

        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("plain\t\\N\ttab\\there\\\\back\\nnew\\rret\tcaf\u00e9 \uD83D\uDE00 \u4e2d|?|x\t\t0\t-42\t"
                        + "-9223372036854775808\t9223372036854775807\t\\N\t1E-7\t1.50\t\\N\t2026-11-02T04:10:00.120Z\t"
                        + "2026-11-02T04:10:00Z\t2026-11-02T04:10:00.000000001Z\t\\N\tt\tf\n"
                        + "7\t2026-11-02T04:10:00Z\n");
        assertThat(rows.rows()).isEqualTo(2);
    }

    @Test
    void encodesTextAsUtf8LikeTheJdkUnpairedSurrogatesIncluded() throws Exception {
        List<String> texts = List.of(
                "\u007f\u0080\u07ff\u0800\uffff",
                "end\uD83D",
                "\uDE00start",
                "\uD83D\uD83D\uDE00",
                "\uD83Dx\uDE00y",
                "\uDBFF\uDFFF\uD800\uDC00");
        for (String text : texts) {
            out.reset();
            new CopyRows((bytes, length) -> out.write(bytes, 0, length))
                    .text(text)
                    .flush();
            assertThat(out.toByteArray()).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void handsOnFullChunksAndKeepsLongCellsWhole() throws Exception {
        String long1 = "\u00e9".repeat(200_000);
        for (int i = 0; i < 3; i++) {
            rows.number(i).text(long1).endRow();
        }
        rows.flush();

        String expected = ("0\t" + long1 + "\n") + ("1\t" + long1 + "\n") + ("2\t" + long1 + "\n");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
    }
}
