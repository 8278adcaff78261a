package dev.billingsync.costexplorer;

import dev.billingsync.web.Sha256;
import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The usage of one org in one grouping for one month, stored as a set: the hash of its rows' content tells whether a
 * new query result changed the month, and only a changed month is rewritten.
 */
@Entity
@Table(name = "cost_usage_months")
class CostMonth {

    @EmbeddedId
    private CostMonthId id;

    @Column(name = "content_sha256", nullable = false)
    private String contentSha256;

    @Column(name = "row_count", nullable = false)
    private int rowCount;

    @Column(name = "query_id", nullable = false)
    private long queryId;

    @Column(name = "replaced_at", nullable = false)
    private Instant replacedAt;

    protected CostMonth() {}

    private CostMonth(CostMonthId id, String contentSha256, int rowCount, long queryId, Instant replacedAt) {
        this.id = id;
        this.contentSha256 = contentSha256;
        this.rowCount = rowCount;
        this.queryId = queryId;
        this.replacedAt = replacedAt;
    }

    /** A month stored for the first time, from the rows {@code queryId} returned. */
    static CostMonth of(CostMonthId id, List<UpstreamUsageRow> rows, long queryId, Instant now) {
        return new CostMonth(id, contentHash(rows), rows.size(), queryId, now);
    }

    /**
     * Takes {@code rows} as this month's content if they differ from the stored rows, and says whether they did: an
     * unchanged month keeps its hash, query and time of replacement, and its stored rows stay as they are.
     */
    boolean replaceWith(List<UpstreamUsageRow> rows, long queryId, Instant now) {
        String hash = contentHash(rows);
        if (hash.equals(contentSha256)) {
            return false;
        }
        this.contentSha256 = hash;
        this.rowCount = rows.size();
        this.queryId = queryId;
        this.replacedAt = now;
        return true;
    }

    /** The rows to store for this month, numbered in upstream order. */
    List<CostEntry> entries(List<UpstreamUsageRow> rows) {
        List<CostEntry> entries = new ArrayList<>(rows.size());
        for (UpstreamUsageRow row : rows) {
            entries.add(new CostEntry(new CostEntryId(id.orgId(), id.groupBy(), id.usageDate(), entries.size()), row));
        }
        return List.copyOf(entries);
    }

    CostMonthId id() {
        return id;
    }

    String contentSha256() {
        return contentSha256;
    }

    int rowCount() {
        return rowCount;
    }

    long queryId() {
        return queryId;
    }

    Instant replacedAt() {
        return replacedAt;
    }

    /**
     * SHA-256 over the rows in order, each field length-prefixed (and marked null or present) so no two different sets
     * hash alike. Stored hashes were computed this way: changing it rewrites every month once.
     */
    static String contentHash(List<UpstreamUsageRow> rows) {
        MessageDigest digest = Sha256.digest();
        for (UpstreamUsageRow row : rows) {
            for (String field : Arrays.asList(
                    row.usageDate().toString(),
                    row.dimensionId(),
                    row.dimensionName(),
                    row.invoiceId(),
                    row.service(),
                    row.usageAmount().toString())) {
                update(digest, field);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void update(MessageDigest digest, @Nullable String field) {
        byte[] bytes = field == null ? new byte[0] : field.getBytes(StandardCharsets.UTF_8);
        digest.update((byte) (field == null ? 0 : 1));
        digest.update(new byte[] {
            (byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8), (byte) bytes.length
        });
        digest.update(bytes);
    }
}
