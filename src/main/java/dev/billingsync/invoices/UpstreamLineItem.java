package dev.billingsync.invoices;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One line of an invoice as the sync read it upstream, keyed by its upstream position. */
public record UpstreamLineItem(int position, InvoiceLineItem line) {

    /** One value of one tag key; positions keep the upstream order of keys and of each key's values. */
    public record Tag(
            int keyPosition,
            int valuePosition,
            String key,
            @Nullable String value) {}

    /**
     * The line's tags flattened to rows in upstream order. Each value becomes a row; a key with an empty array still
     * gets one row (value position 0, value null) so the key is not lost. Null when the line has no {@code tags}.
     */
    public @Nullable List<Tag> tagRows() {
        Map<String, List<String>> tags = line.tags();
        if (tags == null) {
            return null;
        }
        List<Tag> rows = new ArrayList<>();
        int keyPosition = 0;
        for (Map.Entry<String, List<String>> entry : tags.entrySet()) {
            List<String> values = entry.getValue();
            if (values == null || values.isEmpty()) {
                rows.add(new Tag(keyPosition, 0, entry.getKey(), null));
            } else {
                for (int v = 0; v < values.size(); v++) {
                    rows.add(new Tag(keyPosition, v, entry.getKey(), values.get(v)));
                }
            }
            keyPosition++;
        }
        return rows;
    }
}
