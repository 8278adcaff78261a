package dev.billingsync.sync;

import dev.billingsync.atlas.AtlasInvoice;
import dev.billingsync.atlas.AtlasInvoiceSummary;
import dev.billingsync.atlas.AtlasLineItem;
import dev.billingsync.atlas.AtlasLinkedInvoice;
import dev.billingsync.invoices.InvoiceAmounts;
import dev.billingsync.invoices.UpstreamInvoice;
import dev.billingsync.invoices.UpstreamLineItem;
import dev.billingsync.invoices.UpstreamLinkedInvoice;
import dev.billingsync.invoices.UpstreamPayment;
import dev.billingsync.invoices.UpstreamRefund;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Atlas billing records to the rows the invoices module stores. Nothing is invented: absent stays absent. */
final class AtlasInvoiceTranslation {

    private static final String ATLAS_ID = "^[a-f0-9]{24}$";

    private AtlasInvoiceTranslation() {}

    static UpstreamInvoice invoice(String orgId, AtlasInvoiceSummary summary) {
        AtlasInvoice h = summary.header();
        if (h.id() == null || !h.id().matches(ATLAS_ID)) {
            throw new IllegalArgumentException("Atlas returned an invoice without a valid id in org " + orgId);
        }
        if (h.orgId() != null && !h.orgId().matches(ATLAS_ID)) {
            throw new IllegalArgumentException("Atlas returned invoice " + h.id() + " with an invalid orgId");
        }
        return new UpstreamInvoice(
                h.id(),
                h.orgId() == null ? orgId : h.orgId(),
                h.statusName(),
                h.startDate(),
                h.endDate(),
                h.created(),
                h.updated(),
                amounts(h),
                h.paymentsOrEmpty().stream()
                        .map(p -> new UpstreamPayment(
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
                        .map(r -> new UpstreamRefund(r.amountCents(), r.created(), r.paymentId(), r.reason()))
                        .toList(),
                summary.linkedInvoices().stream()
                        .map(AtlasInvoiceTranslation::linked)
                        .toList(),
                summary.lineItemCount(),
                summary.contentSha256(),
                summary.raw().toString());
    }

    static UpstreamLineItem lineItem(int position, AtlasLineItem i) {
        return new UpstreamLineItem(
                position,
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
                tags(i.tags()));
    }

    /**
     * Atlas tags map a key to an array of values. Each value becomes a row; a key with an empty array still gets one
     * row (value position 0, value null) so the key is not lost.
     */
    private static @Nullable List<UpstreamLineItem.Tag> tags(@Nullable Map<String, List<String>> tags) {
        if (tags == null) {
            return null;
        }
        List<UpstreamLineItem.Tag> rows = new ArrayList<>();
        int keyPosition = 0;
        for (Map.Entry<String, List<String>> entry : tags.entrySet()) {
            List<String> values = entry.getValue();
            if (values == null || values.isEmpty()) {
                rows.add(new UpstreamLineItem.Tag(keyPosition, 0, entry.getKey(), null));
            } else {
                for (int v = 0; v < values.size(); v++) {
                    rows.add(new UpstreamLineItem.Tag(keyPosition, v, entry.getKey(), values.get(v)));
                }
            }
            keyPosition++;
        }
        return rows;
    }

    private static UpstreamLinkedInvoice linked(AtlasLinkedInvoice linked) {
        AtlasInvoice h = linked.header();
        return new UpstreamLinkedInvoice(
                h.id(),
                h.orgId(),
                h.statusName(),
                h.startDate(),
                h.endDate(),
                h.created(),
                h.updated(),
                amounts(h),
                linked.raw().toString());
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
