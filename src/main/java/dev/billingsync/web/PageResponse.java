package dev.billingsync.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The body of every list endpoint (MongoDB IPA-110): {@code {"links": [...], "results": [...], "totalCount": n}}.
 * {@code totalCount} is absent when the caller sent {@code includeCount=false}. With {@code envelope=true} the same
 * object gains a {@code status} field.
 *
 * @param links {@code self} always, {@code next} only when there is a next page, {@code previous} only when
 *     {@code pageNum > 1}; absolute URLs
 * @param results the items of this page
 * @param totalCount all matching items, or {@code null} when not requested
 */
@JsonPropertyOrder({"links", "results", "totalCount"})
public record PageResponse<T>(
        List<Link> links,
        List<T> results,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Long totalCount) {

    private static final String PAGE_NUM = "pageNum";

    public PageResponse {
        links = List.copyOf(links);
        results = List.copyOf(results);
    }

    /**
     * The body of a page for the request being handled, links built from its URL (every query parameter kept, {@code pageNum}
     * replaced). Call it while handling a request.
     *
     * @param totalCount the real number of matching items; it decides whether there is a next page even when it is
     *     not shown
     */
    private static <T> PageResponse<T> of(PageRequest page, List<T> results, long totalCount) {
        return new PageResponse<>(
                links(page, results.size(), totalCount), results, page.includeCount() ? totalCount : null);
    }

    /** The body of {@code page}, read for {@code request}, for the request being handled (see above). */
    public static <T> PageResponse<T> of(PageRequest request, Page<T> page) {
        return of(request, page.results(), page.totalCount());
    }

    /** The links of a page of {@code resultCount} items for the request being handled (see {@link #of}). */
    static List<Link> links(PageRequest page, int resultCount, long totalCount) {
        UriComponentsBuilder current = ServletUriComponentsBuilder.fromCurrentRequest();
        List<Link> links = new ArrayList<>(3);
        links.add(new Link(href(current, page.pageNum()), "self"));
        if (page.offset() + resultCount < totalCount) {
            links.add(new Link(href(current, page.pageNum() + 1), "next"));
        }
        if (page.pageNum() > 1) {
            links.add(new Link(href(current, page.pageNum() - 1), "previous"));
        }
        return links;
    }

    private static String href(UriComponentsBuilder current, int pageNum) {
        // Keeps the parameters in the client's order and encoding: build() does not encode a second time.
        MultiValueMap<String, String> query =
                new LinkedMultiValueMap<>(current.build().getQueryParams());
        query.put(PAGE_NUM, List.of(Integer.toString(pageNum)));
        return current.cloneBuilder().replaceQueryParams(query).build().toUriString();
    }
}
