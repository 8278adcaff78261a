package dev.billingsync.sync;

import dev.billingsync.web.Page;
import dev.billingsync.web.PageRequest;
import java.util.Collection;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Sync run history for the API, from PostgreSQL. */
@Component
@Transactional(readOnly = true)
class SyncRunQueries {

    private final SyncRunRepository runs;

    SyncRunQueries(SyncRunRepository runs) {
        this.runs = runs;
    }

    Page<SyncRun> runs(Collection<String> orgIds, SyncRun.@Nullable Status status, PageRequest page) {
        if (orgIds.isEmpty()) {
            return Page.empty();
        }
        OffsetPage pageable = new OffsetPage(page.offset(), page.itemsPerPage());
        org.springframework.data.domain.Page<SyncRun> found = status == null
                ? runs.findByOrgIdIn(orgIds, pageable)
                : runs.findByOrgIdInAndStatus(orgIds, status, pageable);
        return new Page<>(found.getContent(), found.getTotalElements());
    }

    Optional<SyncRun> run(long id) {
        return runs.findById(id);
    }
}
