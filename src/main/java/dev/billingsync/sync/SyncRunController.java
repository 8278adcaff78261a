package dev.billingsync.sync;

import dev.billingsync.orgs.Orgs;
import dev.billingsync.web.ApiException;
import dev.billingsync.web.AtlasId;
import dev.billingsync.web.CallerAccess;
import dev.billingsync.web.PageRequest;
import dev.billingsync.web.PageResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** Sync run history, and starting a sync of one org on demand. */
@RestController
@Tag(name = "Sync runs", description = "What each sync did, and starting one now")
class SyncRunController {

    /** About one sync's time: by then a queued run has usually started and freed its place. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    private final SyncRunQueries queries;
    private final Orgs known;
    private final SyncedOrgs orgs;
    private final OrgSync orgSync;
    private final ManualSyncExecutor executor;
    private final CallerAccess access;

    SyncRunController(
            SyncRunQueries queries,
            Orgs known,
            SyncedOrgs orgs,
            OrgSync orgSync,
            ManualSyncExecutor executor,
            CallerAccess access) {
        this.queries = queries;
        this.known = known;
        this.orgs = orgs;
        this.orgSync = orgSync;
        this.executor = executor;
        this.access = access;
    }

    @GetMapping("/api/v1/syncRuns")
    @Operation(summary = "Sync runs of the orgs the caller may see, newest first")
    PageResponse<SyncRunResponse> list(@Valid @ParameterObject SyncRunFilter filter, PageRequest page) {
        Set<String> visible;
        if (filter.orgId() != null) {
            access.requireRead(filter.orgId());
            visible = Set.of(filter.orgId());
        } else {
            visible = known.visible();
        }
        SyncRun.Status status = filter.statusValue();
        return PageResponse.of(page, queries.runs(visible, status, page).map(SyncRunResponse::of));
    }

    @GetMapping("/api/v1/syncRuns/{id}")
    @Operation(summary = "One sync run")
    SyncRunResponse one(@PathVariable long id) {
        return queries.run(id)
                .filter(run -> access.canRead(run.orgId()))
                .map(SyncRunResponse::of)
                .orElseThrow(() -> ApiException.notFound("SYNC_RUN_NOT_FOUND", "No sync run with ID " + id + ".", id));
    }

    @PostMapping("/api/v1/orgs/{orgId}/syncRuns")
    @Operation(summary = "Start a sync of the org now: 202 with the run, 409 if one is running")
    ResponseEntity<SyncRunResponse> start(@PathVariable @AtlasId String orgId) {
        access.requireSync(orgId);
        ConfiguredOrg org = orgs.find(orgId).orElseThrow(() -> Orgs.notFound(orgId));
        SyncRun run;
        try {
            run = orgSync.start(org, SyncRun.Trigger.MANUAL, executor::submit)
                    .orElseThrow(() -> ApiException.conflict(
                            "SYNC_ALREADY_RUNNING",
                            "A sync of organization " + orgId + " is running; try again later.",
                            orgId));
        } catch (RejectedExecutionException e) {
            throw ApiException.of(
                            HttpStatus.SERVICE_UNAVAILABLE,
                            "SYNC_CAPACITY_EXHAUSTED",
                            "This replica runs as many manual syncs as it can take now; try again later.",
                            orgId)
                    .withRetryAfter(RETRY_AFTER);
        }
        return ResponseEntity.accepted()
                .location(ServletUriComponentsBuilder.fromCurrentContextPath()
                        .path("/api/v1/syncRuns/{id}")
                        .buildAndExpand(run.id())
                        .toUri())
                .body(SyncRunResponse.of(run));
    }
}
