package dev.billingsync.invoices;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Rows in PostgreSQL's {@code COPY} text format, handed on in 256 KB chunks: the fastest way to bulk
 * load a large invoice, and memory stays flat however many rows there are.
 */
final class CopyRows {

    /** Where full chunks go: a running {@code COPY}, or a spill file. */
    @FunctionalInterface
    interface Sink {
        void accept(byte[] bytes, int length) throws IOException, SQLException;
    }

    private static final int FLUSH_AT = 256 * 1024;

    private final Sink sink;
    private byte[] buffer = new byte[FLUSH_AT + 4096];
    private int length;
    private boolean firstColumn = true;
    private long rows;

    CopyRows(Sink sink) {
        this.sink = sink;
    }

    CopyRows text(@Nullable String value) {
        separator();
        if (value == null) {
            put((byte) '\\');
            put((byte) 'N');
            return this;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> ascii("\\\\");
                case '\t' -> ascii("\\t");
                case '\n' -> ascii("\\n");
                case '\r' -> ascii("\\r");
                default -> {
                    if (c < 0x80) {
                        put((byte) c);
                    } else {
                        int end = i + 1;
                        while (end < value.length() && value.charAt(end) >= 0x80) {
                            end++;
                        }
                        byte[] bytes = value.substring(i, end).getBytes(StandardCharsets.UTF_8);
                        for (byte b : bytes) {
                            put(b);
                        }
                        i = end - 1;
                    }
                }
            }
        }
        return this;
    }

    CopyRows number(@Nullable Long value) {
        return raw(value == null ? null : value.toString());
    }

    CopyRows number(int value) {
        return raw(Integer.toString(value));
    }

    CopyRows decimal(@Nullable BigDecimal value) {
        return raw(value == null ? null : value.toString());
    }

    CopyRows instant(@Nullable Instant value) {
        return raw(value == null ? null : value.toString());
    }

    CopyRows bool(boolean value) {
        return raw(value ? "t" : "f");
    }

    void endRow() throws IOException, SQLException {
        put((byte) '\n');
        firstColumn = true;
        rows++;
        if (length >= FLUSH_AT) {
            flush();
        }
    }

    long rows() {
        return rows;
    }

    /** Sends what is still buffered. */
    void flush() throws IOException, SQLException {
        if (length > 0) {
            sink.accept(buffer, length);
            length = 0;
        }
    }

    private CopyRows raw(@Nullable String value) {
        separator();
        ascii(value == null ? "\\N" : value);
        return this;
    }

    private void separator() {
        if (!firstColumn) {
            put((byte) '\t');
        }
        firstColumn = false;
    }

    private void ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            put((byte) s.charAt(i));
        }
    }

    private void put(byte b) {
        if (length == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        buffer[length++] = b;
    }
}
