package dev.billingsync.spend;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The one value a line has for a tag key when it is counted or exported (spend grouped by {@code tag:<key>}, the FOCUS
 * {@code Tags} column): its values sorted in byte order and joined by {@code ,}, or {@code null} when it has none. The
 * spend SQL applies the same rule ({@code string_agg(value, ',' order by value collate "C")}); the FOCUS {@code Tags}
 * column uses this one.
 */
final class TagValues {

    /** UTF-8 byte order, as PostgreSQL's {@code COLLATE "C"} on a UTF-8 database. */
    static final Comparator<String> BYTE_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private TagValues() {}

    static @Nullable String joined(@Nullable List<@Nullable String> values) {
        if (values == null) {
            return null;
        }
        List<String> present =
                values.stream().filter(Objects::nonNull).sorted(BYTE_ORDER).toList();
        return present.isEmpty() ? null : String.join(",", present);
    }
}
