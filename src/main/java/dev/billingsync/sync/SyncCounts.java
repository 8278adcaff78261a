package dev.billingsync.sync;

/** What one run wrote and what it cost upstream. */
record SyncCounts(int invoicesWritten, long lineItemsWritten, int usageRowsWritten, int atlasRequests) {

    static final SyncCounts NONE = new SyncCounts(0, 0, 0, 0);
}
