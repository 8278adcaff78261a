package dev.billingsync.invoices;

import java.util.function.Consumer;

/** Streams an invoice's line items in upstream order; may be read once. */
@FunctionalInterface
public interface LineItemSource {

    void forEach(Consumer<UpstreamLineItem> consumer);
}
