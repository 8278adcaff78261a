package dev.billingsync.web;

/**
 * The page a list request asks for (MongoDB IPA-110). Declare it as a controller method parameter: it is read from the
 * query parameters {@code itemsPerPage} (1–500, default 100; absent or 0 means the default), {@code pageNum} (from 1,
 * default 1; absent or 0 means 1) and {@code includeCount} (default {@code true}). Any other value, including a
 * number out of range, is answered with a 400 {@code INVALID_PARAMETER}; values are never clamped.
 *
 * @param itemsPerPage page size, 1 to {@value #MAX_ITEMS_PER_PAGE}
 * @param pageNum 1-based page number
 * @param includeCount whether the response carries {@code totalCount}
 */
public record PageRequest(int itemsPerPage, int pageNum, boolean includeCount) {

    public static final int DEFAULT_ITEMS_PER_PAGE = 100;
    public static final int MAX_ITEMS_PER_PAGE = 500;

    public PageRequest {
        if (itemsPerPage < 1 || itemsPerPage > MAX_ITEMS_PER_PAGE) {
            throw new IllegalArgumentException("itemsPerPage must be between 1 and " + MAX_ITEMS_PER_PAGE);
        }
        if (pageNum < 1) {
            throw new IllegalArgumentException("pageNum must be at least 1");
        }
    }

    /** The first page of the default size, counted. */
    public static PageRequest firstPage() {
        return new PageRequest(DEFAULT_ITEMS_PER_PAGE, 1, true);
    }

    /** How many rows to skip: {@code (pageNum - 1) * itemsPerPage}. */
    public long offset() {
        return (long) (pageNum - 1) * itemsPerPage;
    }
}
