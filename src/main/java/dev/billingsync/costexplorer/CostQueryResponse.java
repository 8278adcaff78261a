package dev.billingsync.costexplorer;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.LocalDate;
import org.jspecify.annotations.Nullable;

/** One Cost Explorer query the sync made: what it asked, how polling went, how it ended. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CostQueryResponse(
        long id,
        String orgId,
        @Nullable Long syncRunId,
        String groupBy,
        LocalDate startDate,
        LocalDate endDate,
        String state,
        Instant createdAt,
        @Nullable Instant completedAt,
        int polls,
        int recreated,
        @Nullable Integer rowsReturned,
        @Nullable String errorCode,
        @Nullable String errorDetail) {}
