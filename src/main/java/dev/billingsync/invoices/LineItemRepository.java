package dev.billingsync.invoices;

import jakarta.persistence.QueryHint;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hibernate.jpa.HibernateHints;
import org.jspecify.annotations.Nullable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.jpa.repository.QueryHints;

/**
 * Line items and their tags, read as rows in upstream order. Streamed reads fetch {@value #FETCH_SIZE} rows at a time
 * through a cursor (inside the caller's transaction), so an invoice of any size is read in flat memory.
 */
interface LineItemRepository extends JpaRepository<LineItem, InvoicePosition> {

    int FETCH_SIZE = 1000;

    /** A line item row before its tags are attached. */
    record LineRow(
            int position,
            boolean hasTags,
            @Nullable String clusterName,
            @Nullable Instant created,
            @Nullable Instant startDate,
            @Nullable Instant endDate,
            @Nullable String groupId,
            @Nullable String groupName,
            @Nullable String sku,
            @Nullable String unit,
            @Nullable BigDecimal quantity,
            @Nullable BigDecimal unitPriceDollars,
            @Nullable Long totalPriceCents,
            @Nullable Long discountCents,
            @Nullable BigDecimal percentDiscount,
            @Nullable BigDecimal tierLowerBound,
            @Nullable BigDecimal tierUpperBound,
            @Nullable String note,
            @Nullable String stitchAppName,
            @Nullable String cloudProvider) {

        LineItemResponse response(@Nullable Map<String, List<String>> tags) {
            return new LineItemResponse(
                    clusterName,
                    created,
                    startDate,
                    endDate,
                    groupId,
                    groupName,
                    sku,
                    unit,
                    quantity,
                    unitPriceDollars,
                    totalPriceCents,
                    discountCents,
                    percentDiscount,
                    tierLowerBound,
                    tierUpperBound,
                    note,
                    stitchAppName,
                    cloudProvider,
                    tags == null ? null : Collections.unmodifiableMap(tags));
        }
    }

    /** One value of one tag key of line {@code line}. */
    record TagRow(int line, String key, @Nullable String value) {}

    /** The line rows; {@link LineItemQueries} adds the filter's conditions, which vary. */
    String SELECT_LINES = """
            select new dev.billingsync.invoices.LineItemRepository$LineRow(l.id.position, l.hasTags, l.clusterName,
                l.created, l.startDate, l.endDate, l.groupId, l.groupName, l.sku, l.unit, l.quantity,
                l.unitPriceDollars, l.totalPriceCents, l.discountCents, l.percentDiscount, l.tierLowerBound,
                l.tierUpperBound, l.note, l.stitchAppName, l.cloudProvider)
            from LineItem l""";

    String SELECT_TAGS = "select new dev.billingsync.invoices.LineItemRepository$TagRow(t.id.linePosition, t.tagKey,"
            + " t.tagValue) from LineItemTag t where t.id.invoiceId = :invoiceId";

    String TAG_ORDER = " order by t.id.linePosition, t.id.keyPosition, t.id.valuePosition";

    @QueryHints(@QueryHint(name = HibernateHints.HINT_FETCH_SIZE, value = "" + FETCH_SIZE))
    @Query(SELECT_TAGS + TAG_ORDER)
    Stream<TagRow> streamTags(String invoiceId);

    @Query(SELECT_TAGS + " and t.id.linePosition between :from and :to" + TAG_ORDER)
    List<TagRow> tagsBetween(String invoiceId, int from, int to);

    @Query(SELECT_TAGS + " and t.id.linePosition in :lines" + TAG_ORDER)
    List<TagRow> tagsOf(String invoiceId, Collection<Integer> lines);

    /** The project ids seen in the org's stored line items. */
    @Query("""
            select distinct l.groupId from LineItem l join Invoice i on i.id = l.id.invoiceId
            where i.orgId = :orgId and l.groupId is not null order by l.groupId""")
    List<String> groupIdsOf(String orgId);
}
