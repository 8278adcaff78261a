package dev.billingsync.sync;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.Page;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Sync run history for the API, from PostgreSQL. */
@Component
@Transactional(readOnly = true)
class SyncRunQueries {

    record Slice(List<SyncRun> runs, long total) {}

    private final SyncRunRepository runs;

    SyncRunQueries(SyncRunRepository runs) {
        this.runs = runs;
    }

    Slice runs(Collection<String> orgIds, SyncRun.@Nullable Status status, long offset, int limit) {
        if (orgIds.isEmpty()) {
            return new Slice(List.of(), 0);
        }
        Page<SyncRun> page = status == null
                ? runs.findByOrgIdIn(orgIds, new OffsetPage(offset, limit))
                : runs.findByOrgIdInAndStatus(orgIds, status, new OffsetPage(offset, limit));
        return new Slice(page.getContent(), page.getTotalElements());
    }

    Optional<SyncRun> run(long id) {
        return runs.findById(id);
    }
}
