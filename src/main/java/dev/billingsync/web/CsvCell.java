package dev.billingsync.web;

import org.jspecify.annotations.Nullable;

/**
 * Text for a CSV cell that a spreadsheet will not run (CSV injection, OWASP "CSV Injection"): text starting with
 * {@code =}, {@code +}, {@code -}, {@code @}, tab or carriage return is prefixed with a single quote, which Excel,
 * LibreOffice and Google Sheets show as text instead of evaluating a formula. Any project member can set a tag or a
 * cluster name, and finance opens these files. Numeric columns never pass here: a negative amount stays a number.
 */
public final class CsvCell {

    private CsvCell() {}

    public static @Nullable String text(@Nullable String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        return switch (text.charAt(0)) {
            case '=', '+', '-', '@', '\t', '\r' -> "'" + text;
            default -> text;
        };
    }
}
