package dev.billingsync.invoices;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
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
    private static final int REMEMBERED_INSTANTS = 1024;

    private final Sink sink;
    private byte[] buffer = new byte[FLUSH_AT + 4096];
    private int length;
    private boolean firstColumn = true;
    private long rows;
    private final Map<Instant, byte[]> instants = new HashMap<>();

    CopyRows(Sink sink) {
        this.sink = sink;
    }

    CopyRows text(@Nullable String value) {
        separator();
        if (value == null) {
            return nullValue();
        }
        int n = value.length();
        // worst case: every char escaped (2 bytes) or a 3-byte UTF-8 sequence
        ensure(3 * n);
        byte[] b = buffer;
        int at = length;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c >= 0x80) {
                // UTF-8, as String.getBytes writes it: an unpaired surrogate becomes '?'
                if (c < 0x800) {
                    b[at++] = (byte) (0xC0 | (c >> 6));
                    b[at++] = (byte) (0x80 | (c & 0x3F));
                } else if (!Character.isSurrogate(c)) {
                    b[at++] = (byte) (0xE0 | (c >> 12));
                    b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    b[at++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, value.charAt(++i));
                    b[at++] = (byte) (0xF0 | (cp >> 18));
                    b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    b[at++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    b[at++] = '?';
                }
            } else if (c == '\\') {
                b[at++] = '\\';
                b[at++] = '\\';
            } else if (c == '\t') {
                b[at++] = '\\';
                b[at++] = 't';
            } else if (c == '\n') {
                b[at++] = '\\';
                b[at++] = 'n';
            } else if (c == '\r') {
                b[at++] = '\\';
                b[at++] = 'r';
            } else {
                b[at++] = (byte) c;
            }
        }
        length = at;
        return this;
    }

    CopyRows number(@Nullable Long value) {
        if (value == null) {
            separator();
            return nullValue();
        }
        return number(value.longValue());
    }

    CopyRows number(long value) {
        separator();
        ensure(20);
        if (value == Long.MIN_VALUE) {
            ascii(Long.toString(value));
            return this;
        }
        long v = value;
        if (v < 0) {
            buffer[length++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long rest = v / 10; rest > 0; rest /= 10) {
            digits++;
        }
        int at = length + digits;
        length = at;
        do {
            buffer[--at] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v > 0);
        return this;
    }

    CopyRows decimal(@Nullable BigDecimal value) {
        return raw(value == null ? null : value.toString());
    }

    /**
     * A moment in {@link Instant#toString()}'s ISO form. Line items repeat a few moments many times, so the text of
     * each distinct one (up to {@value #REMEMBERED_INSTANTS}) is formatted once per instance.
     */
    CopyRows instant(@Nullable Instant value) {
        separator();
        if (value == null) {
            return nullValue();
        }
        byte[] text = instants.get(value);
        if (text == null) {
            text = value.toString().getBytes(StandardCharsets.US_ASCII);
            if (instants.size() < REMEMBERED_INSTANTS) {
                instants.put(value, text);
            }
        }
        ensure(text.length);
        System.arraycopy(text, 0, buffer, length, text.length);
        length += text.length;
        return this;
    }

    CopyRows bool(boolean value) {
        separator();
        ensure(1);
        buffer[length++] = (byte) (value ? 't' : 'f');
        return this;
    }

    void endRow() throws IOException, SQLException {
        ensure(1);
        buffer[length++] = '\n';
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
        if (value == null) {
            return nullValue();
        }
        ascii(value);
        return this;
    }

    private CopyRows nullValue() {
        ensure(2);
        buffer[length++] = '\\';
        buffer[length++] = 'N';
        return this;
    }

    private void separator() {
        if (!firstColumn) {
            ensure(1);
            buffer[length++] = '\t';
        }
        firstColumn = false;
    }

    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buffer[length++] = (byte) s.charAt(i);
        }
    }

    /** Room for {@code bytes} more bytes. */
    private void ensure(int bytes) {
        if (length + bytes > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + bytes));
        }
    }
}
