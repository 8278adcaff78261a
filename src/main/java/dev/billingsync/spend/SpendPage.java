package dev.billingsync.spend;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.billingsync.web.Link;
import dev.billingsync.web.ListBody;
import dev.billingsync.web.PageRequest;
import dev.billingsync.web.PageResponse;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The spend list: the list shape every list has (MongoDB IPA-110) plus {@code totals}. */
@JsonPropertyOrder({"links", "results", "totalCount", "totals"})
record SpendPage(
        List<Link> links,
        List<SpendRow> results,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Long totalCount,
        SpendTotals totals)
        implements ListBody {

    static SpendPage of(PageRequest page, SpendQueries.Result result) {
        PageResponse<SpendRow> list = PageResponse.of(page, result.page());
        return new SpendPage(list.links(), list.results(), list.totalCount(), result.totals());
    }

    @Override
    public Object withStatus(int status) {
        return new Enveloped(links, results, totalCount, totals, status);
    }

    @JsonPropertyOrder({"links", "results", "totalCount", "totals", "status"})
    record Enveloped(
            List<Link> links,
            List<SpendRow> results,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            Long totalCount,

            SpendTotals totals,
            int status) {}
}
