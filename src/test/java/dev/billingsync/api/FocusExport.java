package dev.billingsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** Reads a FOCUS export as it streams, keeping only the row count and the {@code BilledCost} sum of one invoice. */
final class FocusExport {

    record Totals(long rows, BigDecimal billedCost) {}

    private FocusExport() {}

    static Totals read(HttpClient http, String base, String apiKey, YearMonth billingPeriod, String invoiceId)
            throws IOException, InterruptedException {
        HttpResponse<InputStream> focus = http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/focus?billingPeriod=" + billingPeriod))
                        .header("X-API-Key", apiKey)
                        .header("Accept", "text/csv")
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(focus.statusCode()).isEqualTo(200);
        long rows = 0;
        BigDecimal billed = BigDecimal.ZERO;
        try (Reader reader = new InputStreamReader(focus.body(), StandardCharsets.UTF_8);
                CSVParser csv = CSVFormat.RFC4180
                        .builder()
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .get()
                        .parse(reader)) {
            for (CSVRecord record : csv) {
                if (record.get("InvoiceId").equals(invoiceId)) {
                    rows++;
                    billed = billed.add(new BigDecimal(record.get("BilledCost")));
                }
            }
        }
        return new Totals(rows, billed);
    }
}
