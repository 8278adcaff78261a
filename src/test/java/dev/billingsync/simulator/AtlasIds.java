package dev.billingsync.simulator;

import java.util.regex.Pattern;

/** The id format of Atlas orgs, projects, invoices and payments: {@code ^([a-f0-9]{24})$}. */
final class AtlasIds {

    private static final Pattern OBJECT_ID = Pattern.compile("[a-f0-9]{24}");

    private AtlasIds() {}

    static boolean isObjectId(String value) {
        return OBJECT_ID.matcher(value).matches();
    }
}
