package dev.billingsync.atlas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Cost Explorer results, JSON and CSV, read into the same rows with every digit kept. */
class AtlasCostExplorerReaderTests {

    static final AtlasUsageDetail OBSERVED = new AtlasUsageDetail(
            "66d7254246a21a41036ff315",
            "66d7254246a21a41036ff2e9",
            "Kubecost",
            null,
            null,
            null,
            null,
            "Clusters",
            new BigDecimal("51.19"),
            LocalDate.parse("2024-09-01"));

    final AtlasCostExplorerReader reader = new AtlasCostExplorerReader();

    @TempDir
    Path dir;

    @Test
    void readsTheObservedJsonShape() {
        List<AtlasUsageDetail> rows = json("""
                {"usageDetails":[{"invoiceId":"66d7254246a21a41036ff315","organizationId":"66d7254246a21a41036ff2e9",
                                  "organizationName":"Kubecost","service":"Clusters","usageAmount":51.19,"usageDate":"2024-09-01"}]}""");

        assertThat(rows).containsExactly(OBSERVED);
    }

    @Test
    void readsTheSameRowFromCsvWithTheDocumentedColumns() {
        List<AtlasUsageDetail> rows = csv("""
                Billed Date,Invoice Id,Organization Name,Organization ID,Project Name,Project Id,Cluster Name,Cluster Unique Id,Service,Usage Amount\r
                2024-09-01,66d7254246a21a41036ff315,Kubecost,66d7254246a21a41036ff2e9,,,,,Clusters, 51.19\r
                """);

        assertThat(rows).containsExactly(OBSERVED);
    }

    @Test
    void keepsEveryDigitAndScaleOfAmountsInBothFormats() {
        String[] amounts = {"0.1", "0.10", "1018.390000000001", "12", "1E+2", "-3.5", "0.000001", "123456789012345.678"
        };
        StringBuilder json = new StringBuilder("{\"usageDetails\":[");
        StringBuilder csv = new StringBuilder("Usage Amount,Billed Date\n");
        for (int i = 0; i < amounts.length; i++) {
            json.append(i == 0 ? "" : ",")
                    .append("{\"usageAmount\":")
                    .append(amounts[i])
                    .append(",\"usageDate\":\"2026-01-01\"}");
            csv.append(amounts[i]).append(",2026-01-01\n");
        }
        json.append("]}");

        List<BigDecimal> fromJson = json(json.toString()).stream()
                .map(AtlasUsageDetail::usageAmount)
                .toList();
        List<BigDecimal> fromCsv =
                csv(csv.toString()).stream().map(AtlasUsageDetail::usageAmount).toList();

        assertThat(fromJson).isEqualTo(fromCsv);
        assertThat(fromJson)
                .extracting(BigDecimal::toPlainString)
                .containsExactly(
                        "0.1", "0.10", "1018.390000000001", "12", "100", "-3.5", "0.000001", "123456789012345.678");
    }

    @Test
    void acceptsAnAmountSentAsAJsonStringAndIgnoresUnknownFieldsOfAnyShape() {
        List<AtlasUsageDetail> rows = json("""
                {"meta":{"generated":[1,2,{"x":null}]},
                 "usageDetails":[{"usageAmount":" 7.250 ","usageDate":"2026-03-01","tags":{"env":["prod"]},
                                  "costCenter":42,"service":null,"clusterUniqueId":"6a0b1c2d3e4f5a6b7c8d9e0f",
                                  "groupId":"5f1a2b3c4d5e6f7a8b9c0d1e","groupName":"Billing Prod"}],
                 "after":true}""");

        assertThat(rows)
                .containsExactly(new AtlasUsageDetail(
                        null,
                        null,
                        null,
                        "5f1a2b3c4d5e6f7a8b9c0d1e",
                        "Billing Prod",
                        null,
                        "6a0b1c2d3e4f5a6b7c8d9e0f",
                        null,
                        new BigDecimal("7.250"),
                        LocalDate.parse("2026-03-01")));
    }

    @Test
    void matchesCsvHeadersIgnoringCaseAndSpacesSkipsLinesBeforeTheHeaderAndUnknownColumns() {
        List<AtlasUsageDetail> rows = csv("\uFEFF" + """
                Cost Explorer export,"June 1, 2024 - July 1, 2024"

                  SERVICE , usage amount ,Extra Column,BILLED DATE,organization id,Project Name,cluster name,CLUSTER UNIQUE ID
                Data Transfer,"  0.0042",whatever,2024-06-01,66d7254246a21a41036ff2e9,"Données, Finance",orders-prod,6a0b1c2d3e4f5a6b7c8d9e0f
                ,,,,,,,
                Backup,3,,2024-07-01,,,,
                """);

        assertThat(rows)
                .containsExactly(
                        new AtlasUsageDetail(
                                null,
                                "66d7254246a21a41036ff2e9",
                                null,
                                null,
                                "Données, Finance",
                                "orders-prod",
                                "6a0b1c2d3e4f5a6b7c8d9e0f",
                                "Data Transfer",
                                new BigDecimal("0.0042"),
                                LocalDate.parse("2024-06-01")),
                        new AtlasUsageDetail(
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                "Backup",
                                new BigDecimal("3"),
                                LocalDate.parse("2024-07-01")));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "2024-06-01|2024-06-01",
                "2024-06-15|2024-06-01",
                "2024-06-01T00:00:00Z|2024-06-01",
                "2024-05-31T23:00:00-02:00|2024-06-01",
                "06/01/2024|2024-06-01",
                "6/1/2024|2024-06-01",
                "'June 1, 2024'|2024-06-01",
                "'June 1, 2024 - July 1, 2024'|2024-06-01"
            })
    void readsTheDateFormsAtlasMightUseAsTheFirstOfTheMonth(String text, LocalDate month) {
        assertThat(AtlasCostExplorerReader.parseDate(text)).isEqualTo(month);
        assertThat(csv("Billed Date,Usage Amount\n\"" + text + "\",1\n").get(0).usageDate())
                .isEqualTo(month);
    }

    @Test
    void readsAnEmptyResult() {
        assertThat(json("{\"usageDetails\":[]}")).isEmpty();
        assertThat(csv("Billed Date,Invoice Id,Service,Usage Amount\r\n")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "[]",
                "{\"results\":[]}",
                "{\"usageDetails\":{}}",
                "{\"usageDetails\":[1]}",
                "{\"usageDetails\":[{\"usageDate\":\"2026-01-01\"}]}",
                "{\"usageDetails\":[{\"usageAmount\":1}]}",
                "{\"usageDetails\":[{\"usageAmount\":\"12,5\",\"usageDate\":\"2026-01-01\"}]}",
                "{\"usageDetails\":[{\"usageAmount\":1,\"usageDate\":\"yesterday\"}]}",
                "{\"usageDetails\":[{\"usageAmount\":{\"value\":1},\"usageDate\":\"2026-01-01\"}]}",
                "{\"usageDetails\":[{\"usageAmount\":1,\"usageDate\":\"2026-01-01\"}"
            })
    void reportsMalformedJson(String body) {
        AtlasApiException e = catchThrowableOfType(AtlasApiException.class, () -> json(body));

        assertThat(e.errorCode()).isEqualTo("MALFORMED_RESPONSE");
        assertThat(e.getMessage()).startsWith("Cost Explorer JSON result could not be read");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "Billed Date,Service\n2026-01-01,Clusters\n",
                "Billed Date,Usage Amount\n2026-01-01,\n",
                "Billed Date,Usage Amount\n,1\n",
                "Billed Date,Usage Amount\n2026-01-01,$1.00\n",
                "Billed Date,Usage Amount\n2026-01-01,\"1.00\n"
            })
    void reportsMalformedCsv(String body) {
        AtlasApiException e = catchThrowableOfType(AtlasApiException.class, () -> csv(body));

        assertThat(e.errorCode()).isEqualTo("MALFORMED_RESPONSE");
    }

    @Test
    void streamsALargeJsonResult() throws IOException {
        Path file = dir.resolve("large.json");
        int rows = 200_000;
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("{\"usageDetails\":[".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < rows; i++) {
                out.write(((i == 0 ? "" : ",") + "{\"invoiceId\":\"66d7254246a21a41036ff315\",\"service\":\"Storage\","
                                + "\"usageAmount\":" + i + ".01,\"usageDate\":\"2026-01-01\"}")
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.write("]}".getBytes(StandardCharsets.UTF_8));
        }

        List<AtlasUsageDetail> read = reader.read(payload(file), CostExplorerFormat.JSON);

        assertThat(read).hasSize(rows);
        assertThat(read.get(rows - 1).usageAmount()).isEqualTo(new BigDecimal((rows - 1) + ".01"));
    }

    private List<AtlasUsageDetail> json(String body) {
        return reader.read(payload(write("result.json", body)), CostExplorerFormat.JSON);
    }

    private List<AtlasUsageDetail> csv(String body) {
        return reader.read(payload(write("result.csv", body)), CostExplorerFormat.CSV);
    }

    private Path write(String name, String body) {
        try {
            return Files.writeString(dir.resolve(name), body, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AtlasPayload payload(Path file) {
        try {
            return new AtlasPayload(file, "0".repeat(64), Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
