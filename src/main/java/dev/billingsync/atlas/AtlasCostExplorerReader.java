package dev.billingsync.atlas;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads a ready Cost Explorer result ({@link CostExplorerPoll.Ready}) into usage rows, as a stream from its spooled
 * file: JSON {@code {"usageDetails": [...]}} or CSV with a header row. Both go through the same field mapping, so one
 * result read in either format gives equal rows.
 *
 * <p>Fields are matched by name, ignoring case, spaces and punctuation, so the JSON {@code organizationId} and the CSV
 * {@code Organization ID} are one field. Unknown fields and columns are ignored. The CSV columns are taken to be
 * {@code Billed Date, Invoice Id, Organization Name, Organization ID, Project Name, Project Id, Cluster Name, Cluster
 * Unique Id, Service, Usage Amount} (the spec's example is garbled); lines before the header row (any row naming a
 * {@code Usage Amount} column) are skipped.
 *
 * <p>{@code usageAmount} keeps every digit it arrived with (never through double); a JSON number or string, or a
 * CSV cell, surrounding spaces trimmed. {@code usageDate} ({@code Billed Date}) may be {@code yyyy-MM-dd}, an ISO
 * date-time (taken in UTC), {@code MM/dd/yyyy} or {@code June 1, 2024} (a following {@code - July 1, 2024} period end
 * is ignored); it is normalized to the first of its month. A row without amount or date, or with one that cannot be
 * read, makes the whole payload malformed.
 */
final class AtlasCostExplorerReader {

    private static final CSVFormat CSV = CSVFormat.RFC4180
            .builder()
            .setIgnoreEmptyLines(true)
            .setIgnoreSurroundingSpaces(true)
            .get();
    private static final DateTimeFormatter US_DATE = DateTimeFormatter.ofPattern("M/d/uuuu", Locale.ROOT);
    private static final DateTimeFormatter LONG_DATE = DateTimeFormatter.ofPattern("MMMM d, uuuu", Locale.ENGLISH);
    private static final Pattern LONG_DATE_START = Pattern.compile("^([A-Za-z]+ \\d{1,2}, \\d{4})");

    List<AtlasUsageDetail> read(AtlasPayload payload, CostExplorerFormat format) {
        try {
            return format == CostExplorerFormat.JSON ? readJson(payload) : readCsv(payload);
        } catch (IOException
                | UncheckedIOException
                | JacksonException
                | IllegalArgumentException
                | IllegalStateException
                | DateTimeParseException e) {
            throw AtlasApiException.malformed("Cost Explorer " + format + " result", e);
        }
    }

    private static List<AtlasUsageDetail> readJson(AtlasPayload payload) throws IOException {
        try (InputStream in = Files.newInputStream(payload.file());
                JsonParser parser = AtlasJson.MAPPER.createParser(in)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT, "a JSON object");
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("usageDetails".equals(name)) {
                    expect(value, JsonToken.START_ARRAY, "usageDetails to be an array");
                    List<AtlasUsageDetail> rows = new ArrayList<>();
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        rows.add(readJsonRow(parser, rows.size()));
                    }
                    expect(parser.currentToken(), JsonToken.END_ARRAY, "usageDetails to hold objects only");
                    return List.copyOf(rows);
                }
                parser.skipChildren();
            }
            throw new IllegalArgumentException("no usageDetails array");
        }
    }

    /** One object of {@code usageDetails}; the parser stands on its START_OBJECT. */
    private static AtlasUsageDetail readJsonRow(JsonParser parser, int index) {
        Row row = new Row(index);
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            Field field = Field.named(parser.currentName());
            JsonToken value = parser.nextToken();
            if (field == null) {
                parser.skipChildren();
                continue;
            }
            switch (value) {
                // The number's own text: every digit as sent, never through double.
                case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> row.set(field, parser.getString());
                case VALUE_NULL -> row.set(field, null);
                default ->
                    throw new IllegalArgumentException(
                            "usageDetails[" + index + "]." + parser.currentName() + " is not a string or number");
            }
        }
        return row.toDetail();
    }

    private static List<AtlasUsageDetail> readCsv(AtlasPayload payload) throws IOException {
        try (Reader reader = Files.newBufferedReader(payload.file(), StandardCharsets.UTF_8);
                CSVParser parser = CSV.parse(reader)) {
            Field[] columns = null;
            List<AtlasUsageDetail> rows = new ArrayList<>();
            for (CSVRecord record : parser) {
                if (columns == null) {
                    columns = header(record);
                    continue;
                }
                if (isBlank(record)) {
                    continue;
                }
                Row row = new Row(rows.size());
                for (int i = 0; i < Math.min(columns.length, record.size()); i++) {
                    if (columns[i] != null) {
                        row.set(columns[i], record.get(i));
                    }
                }
                rows.add(row.toDetail());
            }
            if (columns == null) {
                throw new IllegalArgumentException("no header row with a Usage Amount column");
            }
            return List.copyOf(rows);
        }
    }

    /** The fields of the header row's columns (null for unknown ones), or null if this record is not the header. */
    private static Field @Nullable [] header(CSVRecord record) {
        Field[] columns = new Field[record.size()];
        boolean amount = false;
        for (int i = 0; i < record.size(); i++) {
            columns[i] = Field.named(record.get(i));
            amount |= columns[i] == Field.USAGE_AMOUNT;
        }
        return amount ? columns : null;
    }

    private static boolean isBlank(CSVRecord record) {
        for (String value : record) {
            if (!value.isBlank()) {
                return false;
            }
        }
        return true;
    }

    private static void expect(@Nullable JsonToken actual, JsonToken expected, String what) {
        if (actual != expected) {
            throw new IllegalArgumentException("expected " + what + " but found " + actual);
        }
    }

    static LocalDate parseDate(String text) {
        LocalDate date;
        if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
            date = LocalDate.parse(text);
        } else if (text.matches("\\d{4}-\\d{2}-\\d{2}T.*")) {
            date = OffsetDateTime.parse(text)
                    .withOffsetSameInstant(ZoneOffset.UTC)
                    .toLocalDate();
        } else if (text.matches("\\d{1,2}/\\d{1,2}/\\d{4}")) {
            date = LocalDate.parse(text, US_DATE);
        } else {
            Matcher start = LONG_DATE_START.matcher(text);
            if (!start.find()) {
                throw new IllegalArgumentException("unreadable usage date '" + text + "'");
            }
            date = LocalDate.parse(start.group(1), LONG_DATE);
        }
        return date.withDayOfMonth(1);
    }

    static BigDecimal parseAmount(String text) {
        try {
            BigDecimal amount = new BigDecimal(text);
            return amount.scale() < 0 ? amount.setScale(0) : amount;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unreadable usage amount '" + text + "'", e);
        }
    }

    /** The fields of a usage row, by their JSON names and CSV headers, compared without case, spaces or punctuation. */
    enum Field {
        INVOICE_ID("invoiceId"),
        ORGANIZATION_ID("organizationId"),
        ORGANIZATION_NAME("organizationName"),
        PROJECT_ID("projectId", "groupId"),
        PROJECT_NAME("projectName", "groupName"),
        CLUSTER_NAME("clusterName"),
        CLUSTER_ID("clusterId", "clusterUniqueId"),
        SERVICE("service"),
        USAGE_AMOUNT("usageAmount"),
        USAGE_DATE("usageDate", "billedDate");

        private static final Map<String, Field> BY_KEY = new HashMap<>();

        static {
            for (Field field : values()) {
                for (String name : field.names) {
                    BY_KEY.put(key(name), field);
                }
            }
        }

        private final String[] names;

        Field(String... names) {
            this.names = names;
        }

        static @Nullable Field named(@Nullable String name) {
            return name == null ? null : BY_KEY.get(key(name));
        }

        /** Lower case, letters and digits only: {@code "Organization ID"} and {@code "organizationId"} meet. */
        private static String key(String name) {
            return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        }
    }

    /** The values of one row as they arrive, trimmed, blank as null. */
    private static final class Row {

        private final int index;
        private final Map<Field, String> values = new HashMap<>();

        Row(int index) {
            this.index = index;
        }

        void set(Field field, @Nullable String value) {
            if (value == null || value.isBlank()) {
                values.remove(field);
            } else {
                values.put(field, value.strip());
            }
        }

        AtlasUsageDetail toDetail() {
            String amount = values.get(Field.USAGE_AMOUNT);
            String date = values.get(Field.USAGE_DATE);
            if (amount == null || date == null) {
                throw new IllegalArgumentException(
                        "usage row " + index + " has no " + (amount == null ? "usage amount" : "usage date"));
            }
            return new AtlasUsageDetail(
                    values.get(Field.INVOICE_ID),
                    values.get(Field.ORGANIZATION_ID),
                    values.get(Field.ORGANIZATION_NAME),
                    values.get(Field.PROJECT_ID),
                    values.get(Field.PROJECT_NAME),
                    values.get(Field.CLUSTER_NAME),
                    values.get(Field.CLUSTER_ID),
                    values.get(Field.SERVICE),
                    parseAmount(amount),
                    parseDate(date));
        }
    }
}
