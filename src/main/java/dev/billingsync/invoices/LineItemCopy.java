package dev.billingsync.invoices;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Component;

/**
 * Bulk loads an invoice's line items and tags with {@code COPY}, on the connection of the caller's transaction: the
 * fastest of the measured ways to store a 200,000-line invoice (README "JPA and COPY"). The invoice row must be
 * flushed first, since both tables reference it.
 */
@Component
class LineItemCopy {

    private static final String COPY_LINE_ITEMS = "copy line_items (invoice_id, position, cluster_name, created,"
            + " start_date, end_date, group_id, group_name, sku, unit, quantity, unit_price_dollars, total_price_cents,"
            + " discount_cents, percent_discount, tier_lower_bound, tier_upper_bound, note, stitch_app_name,"
            + " cloud_provider, has_tags) from stdin";
    private static final String COPY_TAGS =
            "copy line_item_tags (invoice_id, line_position, key_position, value_position, key, value) from stdin";

    private final DataSource dataSource;

    LineItemCopy(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Streams the line items into {@code line_items} with one COPY while their tags are spilled to a temporary file,
     * then COPYs the tags: one connection can run only one COPY at a time, and tags must not pile up in memory.
     * Returns the number of line items stored.
     */
    long copy(String invoiceId, LineItemSource lineItems) {
        Connection connection = DataSourceUtils.getConnection(dataSource);
        Path tagFile = null;
        try {
            CopyManager copyManager = connection.unwrap(PGConnection.class).getCopyAPI();
            tagFile = Files.createTempFile("billing-sync-tags-", ".copy");
            long lines;
            long tags;
            try (OutputStream tagOut = new BufferedOutputStream(Files.newOutputStream(tagFile), 1 << 16)) {
                CopyRows tagRows = new CopyRows((bytes, length) -> tagOut.write(bytes, 0, length));
                CopyIn copy = copyManager.copyIn(COPY_LINE_ITEMS);
                try (ParsedLineItems parsed = new ParsedLineItems(lineItems)) {
                    CopyRows rows = new CopyRows((bytes, length) -> copy.writeToCopy(bytes, 0, length));
                    for (List<UpstreamLineItem> batch = parsed.next(); batch != null; batch = parsed.next()) {
                        for (UpstreamLineItem item : batch) {
                            writeLine(invoiceId, item, rows, tagRows);
                        }
                    }
                    rows.flush();
                    lines = copy.endCopy();
                } finally {
                    if (copy.isActive()) {
                        copy.cancelCopy();
                    }
                }
                tagRows.flush();
                tags = tagRows.rows();
            }
            if (tags > 0) {
                try (InputStream in = Files.newInputStream(tagFile)) {
                    copyManager.copyIn(COPY_TAGS, in, 1 << 16);
                }
            }
            return lines;
        } catch (SQLException e) {
            throw new InvoiceWriteException("Could not store the line items of invoice " + invoiceId, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (tagFile != null) {
                try {
                    Files.deleteIfExists(tagFile);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    /**
     * The line items of a source, read on a thread of their own and handed over in batches through a small bounded
     * queue, so that parsing the next lines overlaps formatting and sending the previous ones (and PostgreSQL
     * working through them). At most {@value #QUEUED} batches of {@value #BATCH} lines wait, so memory stays flat. A
     * failure of the source is rethrown, as it was thrown, by {@link #next}; closing stops the reading thread and
     * waits for it.
     */
    private static final class ParsedLineItems implements AutoCloseable {

        private static final int BATCH = 512;
        private static final int QUEUED = 8;
        private static final List<UpstreamLineItem> END = List.of();

        private final BlockingQueue<List<UpstreamLineItem>> queue = new ArrayBlockingQueue<>(QUEUED);
        private final Thread reader;
        private volatile boolean closed;
        private volatile @Nullable Throwable failure;

        ParsedLineItems(LineItemSource source) {
            this.reader = new Thread(() -> read(source), "line-item-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** The next batch, or null once the source is done. */
        @Nullable
        List<UpstreamLineItem> next() {
            List<UpstreamLineItem> batch;
            try {
                batch = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading line items", e);
            }
            if (batch == END) {
                Throwable thrown = failure;
                if (thrown instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (thrown instanceof Error error) {
                    throw error;
                }
                if (thrown != null) {
                    throw new IllegalStateException(thrown);
                }
                return null;
            }
            return batch;
        }

        private void read(LineItemSource source) {
            try {
                List<List<UpstreamLineItem>> batch = new ArrayList<>(1);
                batch.add(new ArrayList<>(BATCH));
                source.forEach(item -> {
                    List<UpstreamLineItem> current = batch.get(0);
                    current.add(item);
                    if (current.size() == BATCH) {
                        put(current);
                        batch.set(0, new ArrayList<>(BATCH));
                    }
                });
                if (!batch.get(0).isEmpty()) {
                    put(batch.get(0));
                }
            } catch (Closed e) {
                return;
            } catch (Throwable e) {
                failure = e;
            }
            try {
                put(END);
            } catch (Closed e) {
                // nobody is waiting any more
            }
        }

        private void put(List<UpstreamLineItem> batch) {
            try {
                while (!closed) {
                    if (queue.offer(batch, 50, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new Closed();
        }

        @Override
        public void close() {
            closed = true;
            queue.clear();
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Ends the reading thread's walk through the source once the writer has gone. */
        private static final class Closed extends RuntimeException {
            Closed() {
                super(null, null, false, false);
            }
        }
    }

    private static void writeLine(String invoiceId, UpstreamLineItem upstream, CopyRows rows, CopyRows tagRows) {
        InvoiceLineItem item = upstream.line();
        try {
            rows.text(invoiceId)
                    .number(upstream.position())
                    .text(item.clusterName())
                    .instant(item.created())
                    .instant(item.startDate())
                    .instant(item.endDate())
                    .text(item.groupId())
                    .text(item.groupName())
                    .text(item.sku())
                    .text(item.unit())
                    .decimal(item.quantity())
                    .decimal(item.unitPriceDollars())
                    .number(item.totalPriceCents())
                    .number(item.discountCents())
                    .decimal(item.percentDiscount())
                    .decimal(item.tierLowerBound())
                    .decimal(item.tierUpperBound())
                    .text(item.note())
                    .text(item.stitchAppName())
                    .text(item.cloudProvider())
                    .bool(item.tags() != null)
                    .endRow();
            List<UpstreamLineItem.Tag> tags = upstream.tagRows();
            if (tags != null) {
                for (UpstreamLineItem.Tag tag : tags) {
                    tagRows.text(invoiceId)
                            .number(upstream.position())
                            .number(tag.keyPosition())
                            .number(tag.valuePosition())
                            .text(tag.key())
                            .text(tag.value())
                            .endRow();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new InvoiceWriteException(
                    "Could not store line " + upstream.position() + " of invoice " + invoiceId, e);
        }
    }
}
