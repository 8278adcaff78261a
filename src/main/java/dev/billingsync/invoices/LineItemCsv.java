package dev.billingsync.invoices;

import dev.billingsync.web.CsvCell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.jspecify.annotations.Nullable;

/**
 * Line items as RFC 4180 CSV with a header row, one row at a time. Tags become one column of {@code key=value}
 * pairs separated by {@code ;} (several values of a key repeat the key), since a CSV cell cannot hold a map.
 */
final class LineItemCsv implements AutoCloseable {

    static final List<String> HEADER = List.of(
            "clusterName",
            "created",
            "startDate",
            "endDate",
            "groupId",
            "groupName",
            "sku",
            "unit",
            "quantity",
            "unitPriceDollars",
            "totalPriceCents",
            "discountCents",
            "percentDiscount",
            "tierLowerBound",
            "tierUpperBound",
            "note",
            "stitchAppName",
            "cloudProvider",
            "tags");

    private final CSVPrinter printer;

    LineItemCsv(Writer writer) {
        try {
            this.printer = CSVFormat.RFC4180
                    .builder()
                    .setHeader(HEADER.toArray(String[]::new))
                    .get()
                    .print(writer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void write(InvoiceLineItem l) {
        try {
            // Free text is neutralised; numbers and instants are ours to format and go out as they are.
            printer.printRecord(
                    cell(l.clusterName()),
                    text(l.created()),
                    text(l.startDate()),
                    text(l.endDate()),
                    cell(l.groupId()),
                    cell(l.groupName()),
                    cell(l.sku()),
                    cell(l.unit()),
                    text(l.quantity()),
                    text(l.unitPriceDollars()),
                    l.totalPriceCents(),
                    l.discountCents(),
                    text(l.percentDiscount()),
                    text(l.tierLowerBound()),
                    text(l.tierUpperBound()),
                    cell(l.note()),
                    cell(l.stitchAppName()),
                    cell(l.cloudProvider()),
                    tags(l.tags()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        printer.close(true);
    }

    private static @Nullable String text(@Nullable Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString(); // every digit, never 1E-7
        }
        return value == null ? null : value.toString();
    }

    /** A text value neutralised for spreadsheets ({@link CsvCell}). */
    static @Nullable String cell(@Nullable String text) {
        return CsvCell.text(text);
    }

    /**
     * Keys and values are neutralised one by one, not only the cell: a reader who splits the column on {@code ;} and
     * {@code =} (as the format invites) would otherwise get a value such as {@code =1+1} in a cell of its own.
     */
    private static @Nullable String tags(@Nullable Map<String, List<String>> tags) {
        if (tags == null) {
            return null;
        }
        return tags.entrySet().stream()
                .flatMap(e -> e.getValue().isEmpty()
                        ? Stream.of(cell(e.getKey()) + "=")
                        : e.getValue().stream().map(v -> cell(e.getKey()) + "=" + cell(v)))
                .collect(Collectors.joining(";"));
    }
}
