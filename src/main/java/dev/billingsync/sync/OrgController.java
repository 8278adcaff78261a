package dev.billingsync.sync;

import dev.billingsync.invoices.InvoiceQueries;
import dev.billingsync.web.CallerAccess;
import dev.billingsync.web.Page;
import dev.billingsync.web.PageRequest;
import dev.billingsync.web.PageResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The organizations synced (configured or discovered) that the caller may see, with the freshness of their data. */
@RestController
@Tag(name = "Organizations", description = "Configured Atlas organizations and how fresh their data is")
class OrgController {

    private final SyncedOrgs orgs;
    private final OrgStatusQueries statuses;
    private final InvoiceQueries invoices;
    private final CallerAccess access;

    OrgController(SyncedOrgs orgs, OrgStatusQueries statuses, InvoiceQueries invoices, CallerAccess access) {
        this.orgs = orgs;
        this.statuses = statuses;
        this.invoices = invoices;
        this.access = access;
    }

    @GetMapping("/api/v1/orgs")
    @Operation(summary = "Organizations visible to the caller, with last sync and current pending invoice id")
    PageResponse<OrgResponse> list(PageRequest page) {
        Map<ConfiguredOrg, SyncedOrgs.Source> all = orgs.all();
        Set<String> visible =
                access.visible(all.keySet().stream().map(ConfiguredOrg::id).toList());
        List<ConfiguredOrg> shown = all.keySet().stream()
                .filter(org -> visible.contains(org.id()))
                .sorted((a, b) -> a.id().compareTo(b.id()))
                .toList();
        Page<ConfiguredOrg> onPage = Page.of(shown, page);
        List<String> ids = onPage.results().stream().map(ConfiguredOrg::id).toList();
        Map<String, OrgStatusQueries.OrgStatus> status = statuses.statusOf(ids).stream()
                .collect(Collectors.toMap(OrgStatusQueries.OrgStatus::orgId, Function.identity()));
        Map<String, String> pending = invoices.pendingInvoiceIds(ids);
        return PageResponse.of(
                page,
                onPage.map(org -> OrgResponse.of(org, all.get(org), status.get(org.id()), pending.get(org.id()))));
    }
}
