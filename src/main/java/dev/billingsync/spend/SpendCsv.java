package dev.billingsync.spend;

import dev.billingsync.web.CsvCell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.jspecify.annotations.Nullable;

/**
 * RFC 4180 CSV with a header row, one row at a time, text cells neutralised for spreadsheets ({@link CsvCell}) and
 * numbers written as they are. Used for spend rows and FOCUS rows; null is an empty unquoted cell.
 */
final class SpendCsv implements AutoCloseable {

    private final CSVPrinter printer;

    SpendCsv(Writer writer, List<String> header) {
        try {
            this.printer = CSVFormat.RFC4180
                    .builder()
                    .setHeader(header.toArray(String[]::new))
                    .get()
                    .print(writer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void spend(SpendRow row) {
        List<@Nullable Object> cells = new ArrayList<>();
        for (int k = 0; k < row.keys().size(); k++) {
            cells.add(CsvCell.text(row.values().get(k)));
            if (row.keys().get(k).kind() == SpendKey.Kind.GROUP_ID) {
                cells.add(CsvCell.text(row.groupName()));
            }
        }
        cells.add(row.totalPriceCents());
        cells.add(row.discountCents());
        cells.add(row.lineItemCount());
        print(cells);
    }

    void focus(Map<String, @Nullable String> row) {
        List<@Nullable Object> cells = new ArrayList<>(FocusRow.HEADER.size());
        for (String column : FocusRow.HEADER) {
            String value = row.get(column);
            cells.add(FocusRow.DECIMALS.contains(column) ? value : CsvCell.text(value));
        }
        print(cells);
    }

    private void print(List<@Nullable Object> cells) {
        try {
            printer.printRecord(cells);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        printer.close(true);
    }
}
