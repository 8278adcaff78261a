package dev.billingsync.web;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list read for a {@link PageRequest}: its items and how many items match in all. Queries return it;
 * {@link PageResponse#of(PageRequest, Page)} turns it into the list body.
 *
 * @param results the items of the page, at most {@link PageRequest#itemsPerPage()}
 * @param totalCount all matching items, on every page
 */
public record Page<T>(List<T> results, long totalCount) {

    public Page {
        results = List.copyOf(results);
    }

    /** The page {@code request} asks for of a small list held in memory. */
    public static <T> Page<T> of(List<T> all, PageRequest request) {
        int from = (int) Math.min(request.offset(), all.size());
        int to = Math.min(from + request.itemsPerPage(), all.size());
        return new Page<>(all.subList(from, to), all.size());
    }

    /** No items, none matching. */
    public static <T> Page<T> empty() {
        return new Page<>(List.of(), 0);
    }

    /** The same page with each item mapped. */
    public <R> Page<R> map(Function<? super T, ? extends R> mapper) {
        return new Page<>(results.stream().<R>map(mapper).toList(), totalCount);
    }
}
