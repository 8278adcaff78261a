package dev.billingsync.invoices;

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

    static final List<String> HEADER = List.of("clusterName", "created", "startDate", "endDate", "groupId", "groupName",
            "sku", "unit", "quantity", "unitPriceDollars", "totalPriceCents", "discountCents", "percentDiscount",
            "tierLowerBound", "tierUpperBound", "note", "stitchAppName", "cloudProvider", "tags");

    private final CSVPrinter printer;

    LineItemCsv(Writer writer) {
        try {
            this.printer = CSVFormat.RFC4180.builder()
                    .setHeader(HEADER.toArray(String[]::new))
                    .get()
                    .print(writer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void write(LineItemResponse l) {
        try {
            printer.printRecord(l.clusterName(), text(l.created()), text(l.startDate()), text(l.endDate()), l.groupId(),
                    l.groupName(), l.sku(), l.unit(), text(l.quantity()), text(l.unitPriceDollars()),
                    l.totalPriceCents(), l.discountCents(), text(l.percentDiscount()), text(l.tierLowerBound()),
                    text(l.tierUpperBound()), l.note(), l.stitchAppName(), l.cloudProvider(), tags(l.tags()));
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

    private static @Nullable String tags(@Nullable Map<String, List<String>> tags) {
        if (tags == null) {
            return null;
        }
        return tags.entrySet().stream()
                .flatMap(e -> e.getValue().isEmpty()
                        ? Stream.of(e.getKey() + "=")
                        : e.getValue().stream().map(v -> e.getKey() + "=" + v))
                .collect(Collectors.joining(";"));
    }
}
