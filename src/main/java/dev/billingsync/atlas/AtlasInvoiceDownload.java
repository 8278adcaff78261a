package dev.billingsync.atlas;

import dev.billingsync.atlas.AtlasInvoiceReader.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One downloaded invoice response (the pending list, or one invoice), spooled to a file while it streamed in, so that
 * an invoice of 10^5 line items never sits in memory whole and no HTTP call runs inside a database transaction. The
 * caller closes it, which deletes the file.
 *
 * <p>{@link #sha256()} is the hex SHA-256 of the exact bytes (a cheap way to tell that nothing changed upstream);
 * {@link #invoices()} reads the headers of the invoices it holds, {@link #forEachLineItem} streams the line items of
 * one of them. A body that is not what Atlas documents fails both with a {@code MALFORMED_RESPONSE}
 * {@link AtlasApiException}.
 */
public final class AtlasInvoiceDownload implements AutoCloseable {

    /** Receives the line items of an invoice in upstream order, numbered from 0. */
    @FunctionalInterface
    public interface LineItemConsumer {
        void accept(int position, AtlasLineItem item);
    }

    private final AtlasPayload payload;
    private final Shape shape;
    private final AtlasInvoiceReader reader;
    private AtlasInvoiceReader.@Nullable Summaries summaries;

    AtlasInvoiceDownload(AtlasPayload payload, Shape shape, AtlasInvoiceReader reader) {
        this.payload = payload;
        this.shape = shape;
        this.reader = reader;
    }

    /** The hex SHA-256 of the body as it arrived. */
    public String sha256() {
        return payload.sha256();
    }

    /** The invoices of the body in upstream order, read (once) in a pass that keeps their headers only. */
    public List<AtlasInvoiceSummary> invoices() {
        return summaries().invoices();
    }

    /**
     * Streams the line items of {@code invoice}, one of {@link #invoices()} or one of their linked invoices, one at a
     * time.
     */
    public void forEachLineItem(AtlasInvoiceSummary invoice, LineItemConsumer consumer) {
        Objects.requireNonNull(consumer, "consumer");
        Long lineItemsAt = summaries().lineItemsAt().get(invoice);
        if (lineItemsAt == null) {
            throw new IllegalArgumentException("not an invoice of this download");
        }
        reader.forEachLineItem(payload, lineItemsAt, consumer);
    }

    private synchronized AtlasInvoiceReader.Summaries summaries() {
        if (summaries == null) {
            summaries = reader.summarize(payload, shape);
        }
        return summaries;
    }

    Path file() {
        return payload.file();
    }

    long size() {
        return payload.size();
    }

    /** Deletes the spooled body. */
    @Override
    public void close() {
        payload.close();
    }
}
