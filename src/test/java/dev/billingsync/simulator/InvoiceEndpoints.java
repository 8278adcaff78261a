package dev.billingsync.simulator;

import io.netty.handler.codec.http.HttpMethod;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** {@code GET /orgs/{orgId}/invoices/pending} and {@code GET /orgs/{orgId}/invoices/{invoiceId}}. */
final class InvoiceEndpoints {

    static final String V2023_JSON = "application/vnd.atlas.2023-01-01+json";

    private final Function<String, @Nullable SimulatedOrg> orgs;

    InvoiceEndpoints(Function<String, @Nullable SimulatedOrg> orgs) {
        this.orgs = orgs;
    }

    void register(Router router) {
        // "pending" before "{invoiceId}": first fit wins.
        router.add(Route.atlas(
                HttpMethod.GET, "/api/atlas/v2/orgs/{orgId}/invoices/pending", List.of(V2023_JSON), this::pending));
        router.add(Route.atlas(
                HttpMethod.GET, "/api/atlas/v2/orgs/{orgId}/invoices/{invoiceId}", List.of(V2023_JSON), this::invoice));
        router.add(Route.atlas(HttpMethod.GET, "/api/atlas/v2/orgs/{orgId}/invoices", List.of(V2023_JSON), this::list));
    }

    /** {@code fromDate} (startDate on or after), {@code viewLinkedInvoices} (default true), paging up to 500. */
    private Mono<Reply> list(Exchange exchange) {
        SimulatedOrg org = orgs.apply(exchange.variable("orgId"));
        if (org == null) {
            return Mono.just(orgNotFound(exchange));
        }
        String from = exchange.parameter("fromDate");
        int itemsPerPage = intParameter(exchange, "itemsPerPage", 100);
        int pageNum = intParameter(exchange, "pageNum", 1);
        if (itemsPerPage < 1 || itemsPerPage > 500 || pageNum < 1) {
            return Mono.just(ApiErrorBody.of(
                            400,
                            "INVALID_PARAMETER",
                            "itemsPerPage must be 1 to 500 and pageNum" + " at least 1.",
                            "itemsPerPage")
                    .toReply(exchange.envelope(), exchange.pretty()));
        }
        LocalDate fromDate;
        try {
            fromDate = from == null ? null : LocalDate.parse(from);
        } catch (DateTimeParseException e) {
            return Mono.just(ApiErrorBody.of(400, "INVALID_DATE", "fromDate must be a date like 2024-01-01.", from)
                    .toReply(exchange.envelope(), exchange.pretty()));
        }
        boolean viewLinked = !"false".equalsIgnoreCase(exchange.parameter("viewLinkedInvoices"));
        return Mono.fromCallable(() -> (Reply) Reply.json(
                        200,
                        exchange.mediaType(),
                        org.renderInvoiceList(
                                fromDate, pageNum, itemsPerPage, viewLinked, exchange.envelope(), exchange.pretty())))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static int intParameter(Exchange exchange, String name, int defaultValue) {
        String value = exchange.parameter(name);
        try {
            return value == null ? defaultValue : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private Mono<Reply> pending(Exchange exchange) {
        SimulatedOrg org = orgs.apply(exchange.variable("orgId"));
        if (org == null) {
            return Mono.just(orgNotFound(exchange));
        }
        // Rendering a big invoice takes a while: keep it off the event loop.
        return Mono.fromCallable(() -> (Reply) Reply.json(
                        200, exchange.mediaType(), org.renderPending(exchange.envelope(), exchange.pretty())))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private Mono<Reply> invoice(Exchange exchange) {
        SimulatedOrg org = orgs.apply(exchange.variable("orgId"));
        if (org == null) {
            return Mono.just(orgNotFound(exchange));
        }
        String invoiceId = exchange.variable("invoiceId");
        return Mono.fromCallable(() -> {
                    RenderedBody body = org.renderInvoice(invoiceId, exchange.envelope(), exchange.pretty());
                    if (body == null) {
                        return (Reply) ApiErrorBody.of(
                                        404,
                                        "INVOICE_NOT_FOUND",
                                        "Invoice " + invoiceId + " does not exist in organization " + org.id() + ".",
                                        invoiceId,
                                        org.id())
                                .toReply(exchange.envelope(), exchange.pretty());
                    }
                    return (Reply) Reply.json(200, exchange.mediaType(), body);
                })
                .subscribeOn(Schedulers.boundedElastic());
    }

    static Reply orgNotFound(Exchange exchange) {
        String orgId = exchange.variable("orgId");
        return ApiErrorBody.of(404, "ORG_NOT_FOUND", "No organization with ID " + orgId + " exists.", orgId)
                .toReply(exchange.envelope(), exchange.pretty(), Map.of());
    }
}
