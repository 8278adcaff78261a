package dev.billingsync.spend;

import dev.billingsync.web.ApiException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One {@code groupBy} value of {@code GET /api/v1/spend}: a line-item column, a day or month of usage, or a tag key.
 *
 * @param tagKey the key of a {@code tag:<key>} grouping, else {@code null}
 */
record SpendKey(Kind kind, @Nullable String tagKey) {

    static final int MAX_KEYS = 3;
    static final String TAG_PREFIX = "tag:";
    static final int MAX_TAG_KEY_LENGTH = 255;

    enum Kind {
        ORG_ID("orgId", "i.org_id"),
        GROUP_ID("groupId", "l.group_id"),
        CLUSTER_NAME("clusterName", "l.cluster_name"),
        SKU("sku", "l.sku"),
        USAGE_DATE("usageDate", "to_char(l.start_date at time zone 'UTC', 'YYYY-MM-DD')"),
        USAGE_MONTH("usageMonth", "to_char(l.start_date at time zone 'UTC', 'YYYY-MM')"),
        INVOICE_ID("invoiceId", "l.invoice_id"),
        TAG("tag", "");

        final String field;
        final String sql;

        Kind(String field, String sql) {
            this.field = field;
            this.sql = sql;
        }
    }

    /** The field (and CSV column) name: {@code groupId}, or {@code tag:<key>} for a tag. */
    String field() {
        return kind == Kind.TAG ? TAG_PREFIX + tagKey : kind.field;
    }

    /** The {@code groupBy} values, 1 to 3 distinct ones; anything else is a 400 {@code INVALID_PARAMETER}. */
    static List<SpendKey> parse(@Nullable Collection<String> values) {
        if (values == null || values.isEmpty() || values.size() > MAX_KEYS) {
            throw ApiException.invalidParameter("groupBy", "give 1 to " + MAX_KEYS + " of " + names());
        }
        List<SpendKey> keys = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String value : values) {
            SpendKey key = parseOne(value);
            if (!seen.add(key.field())) {
                throw ApiException.invalidParameter("groupBy", "names " + key.field() + " more than once");
            }
            keys.add(key);
        }
        return List.copyOf(keys);
    }

    private static SpendKey parseOne(String value) {
        if (value.startsWith(TAG_PREFIX)) {
            String key = value.substring(TAG_PREFIX.length());
            if (key.isEmpty() || key.length() > MAX_TAG_KEY_LENGTH) {
                throw ApiException.invalidParameter(
                        "groupBy", "tag:<key> needs a key of 1 to " + MAX_TAG_KEY_LENGTH + " characters");
            }
            return new SpendKey(Kind.TAG, key);
        }
        for (Kind kind : Kind.values()) {
            if (kind != Kind.TAG && kind.field.equals(value)) {
                return new SpendKey(kind, null);
            }
        }
        throw ApiException.invalidParameter("groupBy", "must be one of " + names());
    }

    private static String names() {
        return "orgId, groupId, clusterName, sku, usageDate, usageMonth, invoiceId, tag:<key>";
    }
}
