package dev.billingsync.invoices;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

class LineItemCsvTests {

    @Test
    void neutralisesCellsThatASpreadsheetWouldRunAsFormulas() throws Exception {
        Map<String, List<String>> tags = new LinkedHashMap<>();
        tags.put("env", List.of("=1+1"));
        tags.put("@owner", List.of("+team", "ok"));
        CSVRecord row = write(
                line("=HYPERLINK(\"http://x\")", "-cluster", "\tsku", "\rnote", tags, -500L, new BigDecimal("-0.50")));

        assertThat(row.get("clusterName")).isEqualTo("'=HYPERLINK(\"http://x\")");
        assertThat(row.get("groupName")).isEqualTo("'-cluster");
        assertThat(row.get("sku")).isEqualTo("'\tsku");
        assertThat(row.get("note")).isEqualTo("'\rnote");
        assertThat(row.get("tags")).isEqualTo("env='=1+1;'@owner='+team;'@owner=ok");
    }

    @Test
    void leavesNumbersAndPlainTextAlone() throws Exception {
        CSVRecord row = write(line(
                "Cluster0",
                "Project",
                "ATLAS_AWS_INSTANCE_M10",
                "a - b",
                Map.of("env", List.of("prod")),
                -500L,
                new BigDecimal("-0.0000001")));

        assertThat(row.get("clusterName")).isEqualTo("Cluster0");
        assertThat(row.get("note")).isEqualTo("a - b");
        assertThat(row.get("totalPriceCents")).isEqualTo("-500");
        assertThat(row.get("discountCents")).isEqualTo("-500");
        assertThat(row.get("quantity")).isEqualTo("-0.0000001");
        assertThat(row.get("startDate")).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(row.get("tags")).isEqualTo("env=prod");
    }

    private static InvoiceLineItem line(
            String cluster,
            String groupName,
            String sku,
            String note,
            Map<String, List<String>> tags,
            long cents,
            BigDecimal quantity) {
        Instant start = Instant.parse("2026-11-01T00:00:00Z");
        return new InvoiceLineItem(
                cluster,
                start,
                start,
                start.plusSeconds(86_400),
                "5a2c1a2b3c4d5e6f7a8b9c01",
                groupName,
                sku,
                "hours",
                quantity,
                new BigDecimal("0.10"),
                cents,
                cents,
                null,
                null,
                null,
                note,
                null,
                "AWS",
                tags);
    }

    private static CSVRecord write(InvoiceLineItem line) throws Exception {
        StringWriter out = new StringWriter();
        try (LineItemCsv csv = new LineItemCsv(out)) {
            csv.write(line);
        }
        return CSVFormat.RFC4180
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get()
                .parse(new StringReader(out.toString()))
                .getRecords()
                .get(0);
    }
}
