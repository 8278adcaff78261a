package dev.billingsync.spend;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One row of spend: the values of its grouped keys (in {@code groupBy} order; {@code null} for lines without the
 * value) and the exact sums of its lines.
 *
 * @param groupName the project name of a {@code groupId} grouping, else {@code null}
 */
record SpendRow(
        List<SpendKey> keys,
        List<@Nullable String> values,
        @Nullable String groupName,
        long totalPriceCents,
        long discountCents,
        long lineItemCount) {

    SpendRow {
        keys = List.copyOf(keys);
        values = Collections.unmodifiableList(new ArrayList<>(values));
    }

    /**
     * The JSON object: the keys by field name ({@code groupName} after {@code groupId}; tag keys inside {@code tags}),
     * then the sums. A key without a value is written as {@code null}, never left out.
     */
    @JsonValue
    Map<String, @Nullable Object> json() {
        Map<String, @Nullable Object> json = new LinkedHashMap<>();
        Map<String, @Nullable String> tags = new LinkedHashMap<>();
        for (int k = 0; k < keys.size(); k++) {
            SpendKey key = keys.get(k);
            if (key.kind() == SpendKey.Kind.TAG) {
                tags.put(key.tagKey(), values.get(k));
            } else {
                json.put(key.field(), values.get(k));
                if (key.kind() == SpendKey.Kind.GROUP_ID) {
                    json.put("groupName", groupName);
                }
            }
        }
        if (!tags.isEmpty()) {
            json.put("tags", tags);
        }
        json.put("totalPriceCents", totalPriceCents);
        json.put("discountCents", discountCents);
        json.put("lineItemCount", lineItemCount);
        return json;
    }

    /** The CSV header for these keys: the JSON field names, tag columns as {@code tag:<key>}. */
    static List<String> csvHeader(List<SpendKey> keys) {
        List<String> header = new ArrayList<>();
        for (SpendKey key : keys) {
            header.add(key.field());
            if (key.kind() == SpendKey.Kind.GROUP_ID) {
                header.add("groupName");
            }
        }
        header.addAll(List.of("totalPriceCents", "discountCents", "lineItemCount"));
        return List.copyOf(header);
    }
}
