package dev.billingsync.invoices;

import dev.billingsync.web.ExportPermits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * The CSV export of an invoice's line items, bounded in what it holds: the rows are read from one snapshot into a
 * spool file as fast as PostgreSQL delivers them, the pooled connection goes back, and only then is the file sent at
 * the client's pace. A client that reads slowly, or not at all, holds a file and an async thread (both capped by
 * {@link ExportPermits}, and cut by {@code spring.mvc.async.request-timeout}), never a database connection.
 */
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
        ExportPermits.Permit permit = permits.acquire();
        @Nullable Path file = null;
        try {
            file = permits.spoolFile();
            try (LineItemCsv csv = new LineItemCsv(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
                queries.streamLineItems(invoiceId, filter, csv::write);
            }
            // On Linux the file leaves the directory as soon as it is opened with DELETE_ON_CLOSE; its blocks go with
            // the channel, whichever way the body ends.
            FileChannel spool = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.DELETE_ON_CLOSE);
            return out -> {
                try (permit;
                        spool;
                        InputStream in = Channels.newInputStream(spool)) {
                    in.transferTo(out);
                }
            };
        } catch (IOException | RuntimeException e) {
            permit.close();
            deleteQuietly(file, e);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private static void deleteQuietly(@Nullable Path file, Exception failure) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
