package dev.billingsync.sync;

import dev.billingsync.atlas.AtlasApiException;
import dev.billingsync.atlas.AtlasInvoice;
import dev.billingsync.atlas.AtlasInvoiceDownload;
import dev.billingsync.atlas.AtlasOrgSession;
import dev.billingsync.invoices.InvoiceHeader;
import dev.billingsync.invoices.InvoiceStore;
import dev.billingsync.invoices.InvoiceStore.StoredInvoice;
import dev.billingsync.invoices.InvoiceStore.WriteResult;
import dev.billingsync.invoices.UpstreamInvoice;
import dev.billingsync.orgs.OrgRegistry;
import dev.billingsync.sync.AtlasInvoiceTranslation.ToStore;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Syncs one organization's invoices: the pending ones, then the closed ones of the history window
 * ({@code billing.sync.history-months}) reconciled against Atlas's invoice list. HTTP calls never run inside a
 * transaction (bodies are spooled to disk first), and every write commits only if this replica still holds the org's
 * lock ({@link OrgSyncLock#fence}).
 *
 * <ul>
 *   <li>The pending list is written in one transaction: readers see the old pending invoices or the new ones.
 *   <li>The invoice list ({@code fromDate} = first day of the oldest month of the window, every page) is compared with
 *       what is stored: an invoice that is new, or whose {@code statusName}, {@code *Cents} or {@code updated} differ,
 *       is fetched by id and stored at once, in a transaction of its own; nothing else is fetched. So a refund on a
 *       PAID invoice is picked up, an unchanged org costs one list call, and a backfill cut short resumes where it
 *       stopped, since what it stored already shows as unchanged.
 *   <li>One invoice never holds up the org: one Atlas no longer serves (404, or gone from the list) keeps its data and
 *       is flagged missing upstream; any other failure is recorded on the run and retried next time.
 * </ul>
 */
@Component
class AtlasInvoiceSync {

    private static final Logger log = LoggerFactory.getLogger(AtlasInvoiceSync.class);

    /** An invoice of the org (or the invoice list, with no id) that this run could not bring up to date. */
    record InvoiceProblem(@Nullable String invoiceId, String errorCode, String detail) {}

    /** What one invoice sync wrote, and what it could not bring up to date. */
    record Result(int invoicesWritten, long lineItemsWritten, List<InvoiceProblem> problems) {}

    /** Running totals of one sync. */
    private static final class Written {
        int invoices;
        long lines;

        void add(Written other) {
            invoices += other.invoices;
            lines += other.lines;
        }
    }

    private final InvoiceStore store;
    private final OrgRegistry organizations;
    private final OrgSyncLock locks;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final SyncShutdown shutdown;
    private final int historyMonths;

    AtlasInvoiceSync(
            InvoiceStore store,
            OrgRegistry organizations,
            OrgSyncLock locks,
            TransactionTemplate transaction,
            Clock clock,
            SyncShutdown shutdown,
            SyncProperties properties) {
        this.store = store;
        this.organizations = organizations;
        this.locks = locks;
        this.transaction = transaction;
        this.clock = clock;
        this.shutdown = shutdown;
        this.historyMonths = properties.historyMonths();
        if (!properties.finalInvoiceStatuses().isEmpty()) {
            log.warn("billing.sync.final-invoice-statuses is set but no longer used: closed invoices are reconciled"
                    + " against Atlas's invoice list (billing.sync.history-months), refunds on PAID invoices included");
        }
    }

    /** Syncs the org's invoices; invoices not fetched by {@code until} wait for the next run. */
    Result sync(String orgId, AtlasOrgSession session, Instant until) {
        Map<String, StoredInvoice> stored = store.invoicesOf(orgId).stream()
                .collect(Collectors.toMap(StoredInvoice::id, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        Written written = new Written();
        Set<String> pendingIds = syncPending(orgId, session, stored, written);
        List<InvoiceProblem> problems = new ArrayList<>();
        if (historyMonths > 0) {
            syncHistory(orgId, session, until, stored, pendingIds, problems, written);
        }
        log.info(
                "Invoices of org {} synced: {} invoice(s) written with {} line item(s), {} not brought up to date",
                orgId,
                written.invoices,
                written.lines,
                problems.size());
        return new Result(written.invoices, written.lines, List.copyOf(problems));
    }

    /** The pending list, written in one transaction; returns the ids it holds. */
    private Set<String> syncPending(
            String orgId, AtlasOrgSession session, Map<String, StoredInvoice> stored, Written written) {
        String storedSha256 = organizations.pendingPayloadSha256(orgId);
        Set<String> pendingIds = new LinkedHashSet<>();
        try (AtlasInvoiceDownload pending = session.pendingInvoices()) {
            if (pending.sha256().equals(storedSha256)) {
                // Byte-identical to what is stored: nothing to parse, nothing to write for the pending invoices.
                stored.values().stream().filter(StoredInvoice::pending).forEach(i -> pendingIds.add(i.id()));
                return pendingIds;
            }
            List<ToStore> invoices = AtlasInvoiceTranslation.inStoreOrder(orgId, pending);
            invoices.stream()
                    .filter(i -> !i.linked())
                    .forEach(i -> pendingIds.add(i.invoice().id()));
            written.add(Objects.requireNonNull(transaction.execute(tx -> {
                Written w = write(invoices, pending);
                store.markPending(orgId, pendingIds);
                organizations.storedPendingPayload(orgId, pending.sha256());
                locks.fence(orgId);
                return w;
            })));
        }
        return pendingIds;
    }

    private void syncHistory(
            String orgId,
            AtlasOrgSession session,
            Instant until,
            Map<String, StoredInvoice> stored,
            Set<String> pendingIds,
            List<InvoiceProblem> problems,
            Written written) {
        LocalDate from =
                LocalDate.now(clock.withZone(ZoneOffset.UTC)).withDayOfMonth(1).minusMonths(historyMonths);
        List<AtlasInvoice> listed;
        try {
            listed = session.invoiceList(from);
        } catch (AtlasApiException e) {
            log.warn(
                    "The invoice list of org {} could not be read; closed invoices are reconciled next run: {}",
                    orgId,
                    e.getMessage());
            problems.add(new InvoiceProblem(
                    null,
                    e.errorCode(),
                    "The invoice list failed, so closed invoices were" + " not reconciled this run: "
                            + e.getMessage()));
            return;
        }
        Set<String> missing = new LinkedHashSet<>();
        int problemsBefore = problems.size();
        List<AtlasInvoice> changed = listed.stream()
                .filter(i -> i.id() != null && !pendingIds.contains(i.id()) && changedUpstream(stored.get(i.id()), i))
                .sorted(Comparator.comparing(AtlasInvoice::startDate, Comparator.nullsFirst(Comparator.naturalOrder())))
                .toList();
        for (AtlasInvoice invoice : changed) {
            String id = Objects.requireNonNull(invoice.id());
            if (clock.instant().isAfter(until)) {
                problems.add(new InvoiceProblem(
                        id,
                        "ORG_TIME_BUDGET_EXCEEDED",
                        "Invoice " + id + " was not fetched: the run used up billing.sync.org-time-budget."));
                continue;
            }
            if (shutdown.stopping()) {
                problems.add(new InvoiceProblem(
                        id,
                        "SHUTDOWN",
                        "Invoice " + id + " was not fetched: the service shut down; the next run fetches it."));
                continue;
            }
            try (AtlasInvoiceDownload fetched = session.invoice(id)) {
                // Read before the transaction: a malformed body fails this invoice only.
                List<ToStore> invoices = AtlasInvoiceTranslation.inStoreOrder(orgId, fetched);
                written.add(Objects.requireNonNull(transaction.execute(tx -> {
                    Written w = write(invoices, fetched);
                    locks.fence(orgId);
                    return w;
                })));
            } catch (AtlasApiException e) {
                if (e.status() == 404) {
                    missing.add(id);
                    problems.add(missingUpstream(id, "404 " + e.errorCode()));
                } else {
                    problems.add(new InvoiceProblem(id, e.errorCode(), "Invoice " + id + ": " + e.getMessage()));
                }
                log.warn(
                        "Invoice {} of org {} could not be fetched; the rest of the org syncs: {}",
                        id,
                        orgId,
                        e.getMessage());
            }
        }
        Set<String> listedIds =
                listed.stream().map(AtlasInvoice::id).filter(Objects::nonNull).collect(Collectors.toSet());
        Instant windowStart = from.atStartOfDay(ZoneOffset.UTC).toInstant();
        for (StoredInvoice invoice : stored.values()) {
            boolean inWindow = invoice.header().startDate() != null
                    && !invoice.header().startDate().isBefore(windowStart);
            if (inWindow
                    && !invoice.missingUpstream()
                    && !pendingIds.contains(invoice.id())
                    && !listedIds.contains(invoice.id())) {
                missing.add(invoice.id());
                problems.add(missingUpstream(invoice.id(), "gone from the invoice list"));
            }
        }
        boolean reconciled = problems.subList(problemsBefore, problems.size()).stream()
                .allMatch(p -> "INVOICE_MISSING_UPSTREAM".equals(p.errorCode()));
        transaction.executeWithoutResult(tx -> {
            store.markMissingUpstream(missing, clock.instant());
            if (reconciled) {
                organizations.historySyncedFrom(orgId, from);
            }
            locks.fence(orgId);
        });
    }

    /** New, flagged missing before, or with a status, amount or {@code updated} other than the stored one. */
    private static boolean changedUpstream(@Nullable StoredInvoice stored, AtlasInvoice listed) {
        if (stored == null || stored.missingUpstream()) {
            return true;
        }
        InvoiceHeader was = stored.header();
        InvoiceHeader now = AtlasInvoiceTranslation.header(listed);
        return !Objects.equals(was.statusName(), now.statusName())
                || !Objects.equals(was.updated(), now.updated())
                || !was.amounts().equals(now.amounts());
    }

    private static InvoiceProblem missingUpstream(String invoiceId, String how) {
        return new InvoiceProblem(
                invoiceId,
                "INVOICE_MISSING_UPSTREAM",
                "Atlas no longer serves invoice " + invoiceId + " (" + how
                        + "); its stored data is kept and flagged missing upstream.");
    }

    /** Stores the invoices of one download, each under its own org, inside the caller's transaction. */
    private Written write(List<ToStore> invoices, AtlasInvoiceDownload fetched) {
        Written written = new Written();
        Instant now = clock.instant();
        for (ToStore toStore : invoices) {
            UpstreamInvoice invoice = toStore.invoice();
            organizations.registerLinkedOrg(invoice.orgId(), now);
            WriteResult result = store.write(
                    invoice,
                    consumer -> fetched.forEachLineItem(
                            toStore.summary(),
                            (position, item) -> consumer.accept(AtlasInvoiceTranslation.lineItem(position, item))));
            if (result.written()) {
                written.invoices++;
                written.lines += result.lineItemsWritten();
            } else if (result.outcome() == InvoiceStore.Outcome.STALE) {
                log.warn(
                        "Invoice {} of org {} from Atlas is older than the stored copy; kept the stored one",
                        invoice.id(),
                        invoice.orgId());
            }
        }
        return written;
    }
}
