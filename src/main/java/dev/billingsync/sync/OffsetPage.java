package dev.billingsync.sync;

import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;

/**
 * A {@link Pageable} by offset and size, newest run first: our API pages by (pageNum, itemsPerPage), which is an
 * offset Spring Data's page numbers cannot always express when a caller's page size changes.
 */
record OffsetPage(long offset, int size) implements Pageable {

    private static final Sort NEWEST_FIRST = Sort.by(Sort.Order.desc("startedAt"), Sort.Order.desc("id"));

    @Override
    public int getPageNumber() {
        return (int) (offset / size);
    }

    @Override
    public int getPageSize() {
        return size;
    }

    @Override
    public long getOffset() {
        return offset;
    }

    @Override
    public Sort getSort() {
        return NEWEST_FIRST;
    }

    @Override
    public Pageable next() {
        return new OffsetPage(offset + size, size);
    }

    @Override
    public Pageable previousOrFirst() {
        return hasPrevious() ? new OffsetPage(Math.max(0, offset - size), size) : first();
    }

    @Override
    public Pageable first() {
        return new OffsetPage(0, size);
    }

    @Override
    public Pageable withPage(int pageNumber) {
        return new OffsetPage((long) pageNumber * size, size);
    }

    @Override
    public boolean hasPrevious() {
        return offset > 0;
    }
}
