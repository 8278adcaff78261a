package dev.billingsync.simulator;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One Atlas organization of the simulator with its invoices: a growing PENDING one, three past ones (CLOSED, PAID,
 * PAID with a refund), linked invoices of a second org, payments and refunds. Everything derives from the seed, and
 * every change goes through the methods below, so the same seed and the same calls render the same bytes.
 *
 * <p>Dates follow Atlas: periods are calendar months in UTC, {@code endDate} exclusive; a day's usage is posted
 * (line items {@code created}) the next day. The org keeps its own simulated time for {@code updated}, which moves
 * forward with every change.
 */
public final class SimulatedOrg {

    private static final List<BigDecimal> TAX_RATES =
            List.of(BigDecimal.ZERO, BigDecimal.ZERO, new BigDecimal("0.0825"), new BigDecimal("0.07"));
    private static final List<String> REFUND_REASONS = List.of(
            "Service credit for degraded cluster availability",
            "Duplicate charge",
            "Goodwill credit approved by account team");

    private final String id;
    private final String name;
    private final int lineItemsPerDay;
    private final InvoiceJson json;
    private final SplittableRandom random;
    private final ObjectIds ids;
    private final OrgUsagePlan plan;
    private final OrgUsagePlan linkedPlan;
    private final String linkedOrgId;
    private final BigDecimal taxRate;
    private final Map<String, InvoiceState> invoices = new LinkedHashMap<>();
    private final Map<RenderKey, RenderedBody> rendered = new HashMap<>();
    private final java.util.Set<String> withdrawn = new java.util.HashSet<>();
    private boolean pendingListShowsLinkedOrgs;
    private final long seed;
    private final SimulatedCostExplorer costExplorer;
    private InvoiceState pending;
    private int usageDays;
    private Instant clock;
    private long version;

    SimulatedOrg(
            String id,
            String name,
            long seed,
            int lineItemsPerDay,
            YearMonth pendingMonth,
            int usageDays,
            InvoiceJson json) {
        if (!AtlasIds.isObjectId(id)) {
            throw new IllegalArgumentException("An Atlas org id is 24 lower-case hex digits: " + id);
        }
        if (usageDays < 0 || usageDays > pendingMonth.lengthOfMonth()) {
            throw new IllegalArgumentException(
                    "usageDays must be between 0 and " + pendingMonth.lengthOfMonth() + ": " + usageDays);
        }
        this.id = id;
        this.name = name;
        this.seed = seed;
        this.costExplorer = new SimulatedCostExplorer(this, seed);
        this.lineItemsPerDay = lineItemsPerDay;
        this.json = json;
        this.random = new SplittableRandom(OrgUsagePlan.mix(seed, 0x5EED));
        this.ids = new ObjectIds(random);
        Instant orgCreated =
                startOf(pendingMonth.minusMonths(24 + random.nextInt(12))).plusSeconds(random.nextInt(28 * 86_400));
        this.plan = new OrgUsagePlan(seed, lineItemsPerDay, orgCreated);
        this.linkedPlan = new OrgUsagePlan(OrgUsagePlan.mix(seed, 0x11CED), 2, orgCreated);
        this.linkedOrgId = ids.next(orgCreated.plus(Duration.ofDays(90)));
        this.taxRate = TAX_RATES.get(random.nextInt(TAX_RATES.size()));
        this.clock = startOf(pendingMonth.minusMonths(3));

        InvoiceState refunded = pastInvoice(pendingMonth.minusMonths(3));
        pay(refunded);
        refund(refunded);
        InvoiceState paid = pastInvoice(pendingMonth.minusMonths(2));
        InvoiceState linkedPaid = openInvoice(linkedOrgId, paid.startDate, false);
        linkedPaid.statusName = "PAID";
        linkedPaid.lineItems.addAll(linkedPlan.lines(linkedPlan.daily(), date(paid.startDate)));
        linkedPaid.payments.add(new Payment(
                ids.next(paid.endDate),
                linkedPaid.amountBilledCents(),
                linkedPaid.amountBilledCents(),
                paid.endDate.plus(Duration.ofDays(2)),
                paid.endDate.plus(Duration.ofDays(2)),
                "USD",
                0,
                "PAID",
                linkedPaid.subtotalCents(),
                "1.0000"));
        linkedPaid.touch(paid.endDate.plus(Duration.ofDays(2)));
        paid.linkedInvoices.add(linkedPaid);
        pay(paid);
        pastInvoice(pendingMonth.minusMonths(1));

        this.pending = openPending(pendingMonth);
        for (int day = 0; day < usageDays; day++) {
            postNextDay();
        }
        if (usageDays > 0) {
            InvoiceState linked = pending.linkedInvoices.get(0);
            linked.lineItems.addAll(linkedPlan.lines(linkedPlan.daily(), date(pending.startDate)));
            linked.touch(linkedPlan.postedAt(date(pending.startDate)));
        }
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** Exactly what {@code GET .../invoices/pending} returns now (a {@code PaginatedApiInvoiceView}). */
    public JsonNode pendingInvoicesResponse() {
        return JsonOutput.parse(renderPending(false, false));
    }

    /** The bytes of {@link #pendingInvoicesResponse()}, as served. */
    public byte[] pendingInvoicesResponseBytes() {
        return renderPending(false, false).toByteArray();
    }

    /** Exactly what {@code GET .../invoices/{invoiceId}} returns now. */
    public JsonNode invoiceResponse(String invoiceId) {
        return JsonOutput.parse(requireRendered(invoiceId));
    }

    public byte[] invoiceResponseBytes(String invoiceId) {
        return requireRendered(invoiceId).toByteArray();
    }

    /** The org's own invoices, oldest period first (linked orgs' invoices are not included). */
    public synchronized List<String> invoiceIds() {
        return List.copyOf(invoices.keySet());
    }

    public synchronized String pendingInvoiceId() {
        return pending.id;
    }

    /** The org's Cost Explorer: query tokens, how polls answer, and the rows a query gets. */
    public SimulatedCostExplorer costExplorer() {
        return costExplorer;
    }

    /** The project (group) ids the org's usage is spread over. */
    public List<String> groupIds() {
        return plan.groupIds();
    }

    public synchronized int lineItemCount(String invoiceId) {
        return require(invoiceId).lineItems.size();
    }

    /**
     * The line items a first sync of the pending list writes: the pending invoice's and those of the linked orgs'
     * invoices it nests (stored as invoices of their own orgs).
     */
    public synchronized int pendingLineItemsWithLinked() {
        return pending.lineItems.size()
                + pending.linkedInvoices.stream()
                        .mapToInt(linked -> linked.lineItems.size())
                        .sum();
    }

    /** Days of usage posted on the pending invoice so far. */
    public synchronized int usageDays() {
        return usageDays;
    }

    public int lineItemsPerDay() {
        return lineItemsPerDay;
    }

    /** Grows with every change; equal versions render equal bytes. */
    public synchronized long version() {
        return version;
    }

    /** Posts the next day of usage on the pending invoice: {@code lineItemsPerDay} more lines, new sums and {@code updated}. */
    public synchronized void addDay() {
        YearMonth month = YearMonth.from(date(pending.startDate));
        if (usageDays >= month.lengthOfMonth()) {
            throw new IllegalStateException("The pending invoice of " + id + " already holds every day of " + month
                    + "; call closePendingInvoice() first");
        }
        postNextDay();
        changed();
    }

    /** A rebill on the pending invoice: some line items get new quantities and so new cents. */
    public void changeAmounts() {
        changeAmounts(pendingInvoiceId());
    }

    /** A rebill on any own invoice (closed ones change too). */
    public synchronized void changeAmounts(String invoiceId) {
        InvoiceState invoice = require(invoiceId);
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < invoice.lineItems.size(); i++) {
            if (!invoice.lineItems.get(i).source().tiered()) {
                candidates.add(i);
            }
        }
        if (candidates.isEmpty()) {
            throw new IllegalStateException("Invoice " + invoiceId + " has no line items to rebill");
        }
        int count = Math.max(1, candidates.size() / 20);
        for (int n = 0; n < count; n++) {
            int index = candidates.get(random.nextInt(candidates.size()));
            LineItem item = invoice.lineItems.get(index);
            BigDecimal factor = BigDecimal.valueOf(50 + random.nextInt(101), 2);
            if (factor.compareTo(BigDecimal.ONE) == 0) {
                factor = new BigDecimal("1.25");
            }
            BigDecimal quantity = item.quantity().multiply(factor).stripTrailingZeros();
            if (quantity.scale() < 0) {
                quantity = quantity.setScale(0);
            }
            invoice.lineItems.set(index, item.withQuantity(quantity));
        }
        invoice.touch(tick());
        changed();
    }

    /**
     * Closes the pending invoice (it keeps its id, gets sales tax and a NEW payment) and opens an empty PENDING
     * invoice for the next month: as on Atlas, nothing is posted on it until the next day ({@link #addDay()}).
     *
     * @return the id of the invoice just closed
     */
    public synchronized String closePendingInvoice() {
        InvoiceState closing = pending;
        close(closing);
        pending = openPending(YearMonth.from(date(closing.endDate)));
        usageDays = 0;
        changed();
        return closing.id;
    }

    /**
     * Moves an own, non-pending invoice to another status (free text, as Atlas enums grow). {@code PAID} also pays
     * its payment in full, {@code FAILED} and {@code FORGIVEN} mark the payment so.
     */
    public synchronized void setInvoiceStatus(String invoiceId, String statusName) {
        InvoiceState invoice = require(invoiceId);
        if (invoice == pending) {
            throw new IllegalArgumentException(
                    "Invoice " + invoiceId + " is the pending one: use closePendingInvoice()");
        }
        if ("PENDING".equals(statusName)) {
            throw new IllegalArgumentException("An org has at most one PENDING invoice");
        }
        setStatus(invoice, statusName);
        changed();
    }

    /** Refunds part of the invoice's payment (paying it first if it has none): a refund, more credits, less paid. */
    public synchronized void addRefund(String invoiceId) {
        InvoiceState invoice = require(invoiceId);
        if (invoice.payments.isEmpty() || invoice.amountPaidCents == 0) {
            pay(invoice);
        }
        refund(invoice);
        changed();
    }

    /**
     * Atlas stops serving the invoice by id (404 {@code INVOICE_NOT_FOUND}), as after a permission change or a data
     * fix upstream; the rest of the org is unchanged.
     */
    public synchronized void withdrawInvoice(String invoiceId) {
        require(invoiceId);
        withdrawn.add(invoiceId);
        changed();
    }

    /**
     * Whether {@code /invoices/pending} also lists the linked org's pending invoice, as a paying org's list can: then
     * {@code results} holds two invoices of two orgs.
     */
    public synchronized void pendingListShowsLinkedOrgs(boolean shows) {
        pendingListShowsLinkedOrgs = shows;
        changed();
    }

    /** The org linked to this paying org, whose invoices appear in this org's {@code linkedInvoices}. */
    public String linkedOrgId() {
        return linkedOrgId;
    }

    /** The linked org's invoice for the pending invoice's month. */
    public synchronized String linkedPendingInvoiceId() {
        return pending.linkedInvoices.get(0).id;
    }

    /** What Cost Explorer reports for the query from the org's own invoices now. */
    synchronized List<CostExplorerRow> costExplorerRows(CostExplorerQuery query) {
        return CostExplorerUsage.rows(id, name, invoices.values(), query, this::clusterId);
    }

    /** The unique ids of the clusters (and serverless instances) the org is billed for, sorted. */
    List<String> clusterIds() {
        TreeSet<String> ids = new TreeSet<>();
        for (UsageSource source : plan.daily()) {
            if (source.clusterName() != null) {
                ids.add(clusterId(source.groupId(), source.clusterName()));
            }
        }
        return List.copyOf(ids);
    }

    /**
     * A cluster's unique id (line items only carry its name): the project's timestamp part and 16 hex digits derived
     * from the seed, project and name, so it never draws from the org's random sequence.
     */
    private String clusterId(String groupId, String clusterName) {
        long bits = OrgUsagePlan.mix(OrgUsagePlan.mix(seed, groupId.hashCode()), clusterName.hashCode());
        return groupId.substring(0, 8) + HexFormat.of().toHexDigits(bits);
    }

    synchronized RenderedBody renderPending(boolean envelope, boolean pretty) {
        return rendered.computeIfAbsent(
                new RenderKey("pending", envelope, pretty),
                key -> json.pendingList(
                        id,
                        pendingListShowsLinkedOrgs ? List.of(pending, pending.linkedInvoices.get(0)) : List.of(pending),
                        envelope,
                        pretty));
    }

    /**
     * {@code GET /orgs/{orgId}/invoices}: the org's own invoices starting on or after {@code fromDate} (all when
     * null), newest period first (Atlas's default, END_DATE desc), one page. Withdrawn invoices are not listed.
     */
    synchronized RenderedBody renderInvoiceList(
            @Nullable LocalDate fromDate,
            int pageNum,
            int itemsPerPage,
            boolean viewLinked,
            boolean envelope,
            boolean pretty) {
        List<InvoiceState> matching = invoices.values().stream()
                .filter(i -> !withdrawn.contains(i.id))
                .filter(i -> fromDate == null || !date(i.startDate).isBefore(fromDate))
                .sorted((a, b) -> b.endDate.compareTo(a.endDate))
                .toList();
        int from = Math.min(matching.size(), (pageNum - 1) * itemsPerPage);
        int to = Math.min(matching.size(), from + itemsPerPage);
        String base = json.apiBase() + "/orgs/" + id + "/invoices?itemsPerPage=" + itemsPerPage
                + (fromDate == null ? "" : "&fromDate=" + fromDate) + (viewLinked ? "" : "&viewLinkedInvoices=false")
                + "&pageNum=";
        return json.metadataList(
                id,
                matching.subList(from, to),
                matching.size(),
                base + pageNum,
                to < matching.size() ? base + (pageNum + 1) : null,
                viewLinked,
                envelope,
                pretty);
    }

    /**
     * Gives the org {@code months} more closed months before the ones it has (each month's usage every day), with
     * statuses as a real history has them: mostly PAID, some INVOICED, CLOSED and FORGIVEN, one PAID with a refund.
     */
    public synchronized void addHistory(int months) {
        InvoiceState oldest = invoices.values().iterator().next();
        YearMonth first = YearMonth.from(date(oldest.startDate));
        Map<String, InvoiceState> older = new LinkedHashMap<>();
        Map<String, InvoiceState> existing = new LinkedHashMap<>(invoices);
        for (int back = months; back >= 1; back--) {
            InvoiceState invoice = pastInvoice(first.minusMonths(back));
            switch (back % 6) {
                case 1 -> setStatus(invoice, "INVOICED");
                case 2 -> {
                    pay(invoice);
                    refund(invoice);
                }
                case 3 -> setStatus(invoice, "FORGIVEN");
                case 5 -> {} // stays CLOSED
                default -> pay(invoice);
            }
            older.put(invoice.id, invoice);
        }
        invoices.clear();
        invoices.putAll(older);
        invoices.putAll(existing);
        changed();
    }

    private void setStatus(InvoiceState invoice, String statusName) {
        switch (statusName) {
            case "PAID" -> pay(invoice);
            case "FAILED", "FORGIVEN" -> {
                Payment payment = paymentOf(invoice);
                Instant when = tick();
                invoice.payments.set(invoice.payments.size() - 1, payment.withStatus(statusName, 0, when));
                invoice.statusName = statusName;
                invoice.touch(when);
            }
            default -> {
                invoice.statusName = statusName;
                invoice.touch(tick());
            }
        }
    }

    /** Own invoices and, as Atlas allows for a paying org, its linked orgs' invoices; null when unknown. */
    synchronized @Nullable RenderedBody renderInvoice(String invoiceId, boolean envelope, boolean pretty) {
        InvoiceState invoice = find(invoiceId);
        if (invoice == null) {
            return null;
        }
        return rendered.computeIfAbsent(
                new RenderKey(invoiceId, envelope, pretty), key -> json.single(invoice, envelope, pretty));
    }

    private RenderedBody requireRendered(String invoiceId) {
        RenderedBody body = renderInvoice(invoiceId, false, false);
        if (body == null) {
            throw new IllegalArgumentException("Org " + id + " has no invoice " + invoiceId);
        }
        return body;
    }

    private void changed() {
        version++;
        rendered.clear();
    }

    private InvoiceState require(String invoiceId) {
        InvoiceState invoice = invoices.get(invoiceId);
        if (invoice == null) {
            throw new IllegalArgumentException("Org " + id + " has no invoice " + invoiceId);
        }
        return invoice;
    }

    private @Nullable InvoiceState find(String invoiceId) {
        if (withdrawn.contains(invoiceId)) {
            return null;
        }
        InvoiceState own = invoices.get(invoiceId);
        if (own != null) {
            return own;
        }
        for (InvoiceState invoice : invoices.values()) {
            for (InvoiceState linked : invoice.linkedInvoices) {
                if (linked.id.equals(invoiceId)) {
                    return linked;
                }
            }
        }
        return null;
    }

    private InvoiceState openPending(YearMonth month) {
        InvoiceState invoice = openInvoice(id, startOf(month), true);
        invoice.linkedInvoices.add(openInvoice(linkedOrgId, invoice.startDate, false));
        invoices.put(invoice.id, invoice);
        clock = max(clock, invoice.created);
        return invoice;
    }

    private InvoiceState openInvoice(String orgId, Instant start, boolean futureField) {
        Instant end = date(start).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant created = start.plusSeconds(60 + random.nextInt(3540));
        return new InvoiceState(ids.next(created), orgId, "PENDING", start, end, created, futureField);
    }

    private InvoiceState pastInvoice(YearMonth month) {
        InvoiceState invoice = openInvoice(id, startOf(month), month.getMonthValue() % 2 == 0);
        invoices.put(invoice.id, invoice);
        for (int day = 1; day <= month.lengthOfMonth(); day++) {
            invoice.lineItems.addAll(plan.lines(plan.past(), month.atDay(day)));
        }
        invoice.touch(plan.postedAt(month.atEndOfMonth()));
        clock = max(clock, invoice.updated);
        close(invoice);
        return invoice;
    }

    private void postNextDay() {
        LocalDate day = date(pending.startDate).plusDays(usageDays);
        pending.lineItems.addAll(plan.lines(plan.daily(), day));
        usageDays++;
        Instant posted = plan.postedAt(day).plusSeconds(60 + random.nextInt(600));
        clock = max(clock, posted);
        pending.touch(posted);
    }

    private void close(InvoiceState invoice) {
        invoice.salesTaxCents = new BigDecimal(invoice.subtotalCents() - invoice.discountCents() - invoice.creditsCents)
                .multiply(taxRate)
                .setScale(0, RoundingMode.HALF_UP)
                .longValueExact();
        invoice.statusName = "CLOSED";
        clock = max(clock, invoice.endDate.plus(Duration.ofDays(1)));
        Instant closed = tick();
        invoice.payments.add(new Payment(
                ids.next(closed),
                invoice.amountBilledCents(),
                0,
                closed,
                closed,
                "USD",
                invoice.salesTaxCents,
                "NEW",
                invoice.subtotalCents(),
                "1.0000"));
        invoice.touch(closed);
    }

    private void pay(InvoiceState invoice) {
        Payment payment = paymentOf(invoice);
        Instant when = tick();
        invoice.payments.set(
                invoice.payments.size() - 1, payment.withStatus("PAID", payment.amountBilledCents(), when));
        long refunded = invoice.refunds.stream().mapToLong(Refund::amountCents).sum();
        invoice.amountPaidCents = Math.max(0, payment.amountBilledCents() - refunded);
        invoice.statusName = "PAID";
        invoice.touch(when);
    }

    private Payment paymentOf(InvoiceState invoice) {
        if (invoice.payments.isEmpty()) {
            Instant when = tick();
            invoice.payments.add(new Payment(
                    ids.next(when),
                    invoice.amountBilledCents(),
                    0,
                    when,
                    when,
                    "USD",
                    invoice.salesTaxCents,
                    "NEW",
                    invoice.subtotalCents(),
                    "1.0000"));
        }
        return invoice.payments.get(invoice.payments.size() - 1);
    }

    private void refund(InvoiceState invoice) {
        Payment payment = paymentOf(invoice);
        long base = Math.max(payment.amountPaidCents(), invoice.amountBilledCents());
        long amount = Math.max(1, base * (3 + random.nextInt(18)) / 100);
        Instant when = tick();
        invoice.refunds.add(
                new Refund(amount, when, payment.id(), REFUND_REASONS.get(random.nextInt(REFUND_REASONS.size()))));
        invoice.creditsCents += amount;
        invoice.amountPaidCents = Math.max(0, invoice.amountPaidCents - amount);
        invoice.touch(when);
    }

    /** The org's simulated "now" for a change: a few minutes to a few hours after the previous one. */
    private Instant tick() {
        clock = clock.plusSeconds(300 + random.nextInt(10_500));
        return clock;
    }

    private static Instant startOf(YearMonth month) {
        return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static LocalDate date(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private record RenderKey(String what, boolean envelope, boolean pretty) {}
}
