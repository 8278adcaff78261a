package dev.billingsync.sync;

import dev.billingsync.atlas.AtlasApiException;
import dev.billingsync.atlas.AtlasInvoice;
import dev.billingsync.atlas.AtlasInvoiceDownload;
import dev.billingsync.atlas.AtlasInvoiceSummary;
import dev.billingsync.atlas.AtlasLineItem;
import dev.billingsync.invoices.InvoiceAmounts;
import dev.billingsync.invoices.InvoiceHeader;
import dev.billingsync.invoices.InvoiceLineItem;
import dev.billingsync.invoices.InvoicePayment;
import dev.billingsync.invoices.InvoiceRefund;
import dev.billingsync.invoices.UpstreamInvoice;
import dev.billingsync.invoices.UpstreamLineItem;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Atlas billing records to the rows the invoices module stores. Nothing is invented: absent stays absent. */
final class AtlasInvoiceTranslation {

    private static final String ATLAS_ID = "^[a-f0-9]{24}$";

    private AtlasInvoiceTranslation() {}

    /** An invoice of a download to store, and whether it is a linked org's invoice nested in another one. */
    record ToStore(UpstreamInvoice invoice, AtlasInvoiceSummary summary, boolean linked) {}

    /**
     * The invoices of one download in the order they are stored: the linked orgs' invoices nested in an invoice come
     * just before it, since it refers to them. One that cannot be stored (no valid id) makes the body malformed.
     */
    static List<ToStore> inStoreOrder(String orgId, AtlasInvoiceDownload fetched) {
        List<ToStore> all = new ArrayList<>();
        try {
            for (AtlasInvoiceSummary summary : fetched.invoices()) {
                UpstreamInvoice invoice = invoice(orgId, summary);
                for (AtlasInvoiceSummary linked : summary.linkedInvoices()) {
                    all.add(new ToStore(linkedInvoice(invoice.id(), linked), linked, true));
                }
                all.add(new ToStore(invoice, summary, false));
            }
        } catch (IllegalArgumentException e) {
            throw AtlasApiException.malformed("Invoice payload", e);
        }
        return all;
    }

    /** An invoice of {@code orgId}'s download, stored under the org it names ({@code orgId} if it names none). */
    static UpstreamInvoice invoice(String orgId, AtlasInvoiceSummary summary) {
        AtlasInvoice h = summary.header();
        String id = validId(h.id(), "an invoice in org " + orgId);
        if (h.orgId() != null && !h.orgId().matches(ATLAS_ID)) {
            throw new IllegalArgumentException("Atlas returned invoice " + id + " with an invalid orgId");
        }
        return translate(id, h.orgId() == null ? orgId : h.orgId(), summary);
    }

    /**
     * A linked org's invoice nested in the paying org's invoice {@code payingInvoiceId}: it is that org's invoice, so it
     * must name its own id and org.
     */
    static UpstreamInvoice linkedInvoice(String payingInvoiceId, AtlasInvoiceSummary summary) {
        AtlasInvoice h = summary.header();
        String where = "a linked invoice of invoice " + payingInvoiceId;
        return translate(validId(h.id(), where), validId(h.orgId(), "the org of " + where), summary);
    }

    private static String validId(@Nullable String id, String what) {
        if (id == null || !id.matches(ATLAS_ID)) {
            throw new IllegalArgumentException("Atlas returned " + what + " without a valid id");
        }
        return id;
    }

    private static UpstreamInvoice translate(String id, String orgId, AtlasInvoiceSummary summary) {
        AtlasInvoice h = summary.header();
        return new UpstreamInvoice(
                id,
                orgId,
                header(h),
                h.paymentsOrEmpty().stream()
                        .map(p -> new InvoicePayment(
                                p.id(),
                                p.statusName(),
                                p.created(),
                                p.updated(),
                                p.currency(),
                                p.amountBilledCents(),
                                p.amountPaidCents(),
                                p.salesTaxCents(),
                                p.subtotalCents(),
                                p.unitPrice()))
                        .toList(),
                h.refundsOrEmpty().stream()
                        .map(r -> new InvoiceRefund(r.amountCents(), r.created(), r.paymentId(), r.reason()))
                        .toList(),
                summary.linkedInvoices().stream()
                        .map(linked -> linkedInvoice(id, linked).id())
                        .toList(),
                summary.lineItemCount(),
                summary.contentSha256(),
                summary.raw().toString());
    }

    static UpstreamLineItem lineItem(int position, AtlasLineItem i) {
        return new UpstreamLineItem(
                position,
                new InvoiceLineItem(
                        i.clusterName(),
                        i.created(),
                        i.startDate(),
                        i.endDate(),
                        i.groupId(),
                        i.groupName(),
                        i.sku(),
                        i.unit(),
                        i.quantity(),
                        i.unitPriceDollars(),
                        i.totalPriceCents(),
                        i.discountCents(),
                        i.percentDiscount(),
                        i.tierLowerBound(),
                        i.tierUpperBound(),
                        i.note(),
                        i.stitchAppName(),
                        i.cloudProvider(),
                        i.tags()));
    }

    /** The header of an Atlas invoice (or of its entry in the invoice list). */
    static InvoiceHeader header(AtlasInvoice h) {
        return new InvoiceHeader(h.statusName(), h.startDate(), h.endDate(), h.created(), h.updated(), amounts(h));
    }

    private static InvoiceAmounts amounts(AtlasInvoice h) {
        return new InvoiceAmounts(
                h.amountBilledCents(),
                h.amountPaidCents(),
                h.creditsCents(),
                h.salesTaxCents(),
                h.startingBalanceCents(),
                h.subtotalCents());
    }
}
