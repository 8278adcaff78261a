package dev.billingsync.invoices;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

/** Line items as JPA sees them; the API reads their rows through {@link LineItemRows}. */
interface LineItemRepository extends JpaRepository<LineItem, InvoicePosition> {

    /** The project ids seen in the org's stored line items. */
    @Query("""
            select distinct l.groupId from LineItem l join Invoice i on i.id = l.id.invoiceId
            where i.orgId = :orgId and l.groupId is not null order by l.groupId""")
    List<String> groupIdsOf(String orgId);
}
