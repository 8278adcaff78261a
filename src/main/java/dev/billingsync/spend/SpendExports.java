package dev.billingsync.spend;

import dev.billingsync.web.ExportPermits;
import java.time.YearMonth;
import java.util.Collection;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.json.JsonMapper;

/**
 * The CSV bodies of spend and FOCUS: read through a cursor into a spool file, then sent at the client's pace, within
 * the replica's export cap ({@link ExportPermits#spooled}), like the line-item export.
 */
@Component
class SpendExports {

    private final SpendQueries spend;
    private final FocusQueries focus;
    private final ExportPermits permits;
    private final JsonMapper mapper;

    SpendExports(SpendQueries spend, FocusQueries focus, ExportPermits permits, JsonMapper mapper) {
        this.spend = spend;
        this.focus = focus;
        this.permits = permits;
        this.mapper = mapper;
    }

    StreamingResponseBody spend(SpendQueries.SpendQuery query) {
        return permits.spooled(writer -> {
            try (SpendCsv csv = new SpendCsv(writer, SpendRow.csvHeader(query.keys()))) {
                spend.stream(query, csv::spend);
            }
        });
    }

    StreamingResponseBody focus(Collection<String> orgIds, YearMonth billingPeriod) {
        return permits.spooled(writer -> {
            try (SpendCsv csv = new SpendCsv(writer, FocusRow.HEADER)) {
                focus.stream(orgIds, billingPeriod, line -> csv.focus(FocusRow.of(line, mapper)));
            }
        });
    }
}
