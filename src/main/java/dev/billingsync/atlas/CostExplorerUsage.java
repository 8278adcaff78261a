package dev.billingsync.atlas;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How one Cost Explorer query ended ({@link AtlasOrgSession#costExplorerUsage}): READY with the usage rows of its
 * result, unless the result could not be read ({@code unreadable}); TIMED_OUT when it was not ready by its deadline;
 * FAILED when Atlas forgot its token twice or the service shut down while it was processing ({@code detail} says
 * which).
 *
 * @param token the token of the last query created
 * @param polls the polls it took, the re-created query's included
 * @param recreated how many times the query was created again because Atlas no longer knew its token
 */
public record CostExplorerUsage(
        Status status,
        @Nullable String token,
        int polls,
        int recreated,
        List<AtlasUsageDetail> rows,
        @Nullable AtlasApiException unreadable,
        @Nullable String detail) {

    public enum Status {
        READY,
        TIMED_OUT,
        FAILED
    }

    public CostExplorerUsage {
        Objects.requireNonNull(status, "status");
        rows = List.copyOf(rows);
    }
}
