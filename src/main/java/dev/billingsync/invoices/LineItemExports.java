package dev.billingsync.invoices;

import dev.billingsync.web.ExportPermits;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** The CSV export of an invoice's line items, spooled then sent by {@link ExportPermits#spooled}. */
@Component
class LineItemExports {

    private final InvoiceQueries queries;
    private final ExportPermits permits;

    LineItemExports(InvoiceQueries queries, ExportPermits permits) {
        this.queries = queries;
        this.permits = permits;
    }

    /** The export's body, spooled already; a 429 when the replica is serving its maximum of exports. */
    StreamingResponseBody csv(String invoiceId, LineItemFilter filter) {
        return permits.spooled(writer -> {
            try (LineItemCsv csv = new LineItemCsv(writer)) {
                queries.streamLineItems(invoiceId, filter, csv::write);
            }
        });
    }
}
