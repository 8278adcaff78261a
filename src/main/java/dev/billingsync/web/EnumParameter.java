package dev.billingsync.web;

import java.util.List;
import java.util.Locale;

/**
 * An enum-valued query parameter, parsed the one way every controller does: the value trimmed and its case ignored.
 * Anything else is a 400 {@code INVALID_PARAMETER} naming the parameter, e.g. {@code status} "must be one of [RUNNING,
 * FAILED]"; {@link #listedInLowerCase()} lists the values as the API documents them in lower case instead.
 *
 * @param name the query parameter, as the error names it
 * @param type the enum the value names a constant of
 * @param lowerCase whether the error lists the constants in lower case
 */
public record EnumParameter<E extends Enum<E>>(String name, Class<E> type, boolean lowerCase) {

    /** The parameter {@code name}, listing the constants by their names when a value matches none. */
    public static <E extends Enum<E>> EnumParameter<E> of(String name, Class<E> type) {
        return new EnumParameter<>(name, type, false);
    }

    /** The same parameter, listing the constants in lower case when a value matches none. */
    public EnumParameter<E> listedInLowerCase() {
        return new EnumParameter<>(name, type, true);
    }

    /** The constant {@code value} names, ignoring surrounding white space and case. */
    public E parse(String value) {
        String trimmed = value.trim();
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(trimmed)) {
                return constant;
            }
        }
        String allowed = List.of(type.getEnumConstants()).toString();
        throw ApiException.invalidParameter(
                name, "must be one of " + (lowerCase ? allowed.toLowerCase(Locale.ROOT) : allowed));
    }
}
