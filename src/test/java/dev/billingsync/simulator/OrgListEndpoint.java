package dev.billingsync.simulator;

import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/atlas/v2/orgs}: the organizations the caller can see, paged ({@code itemsPerPage} 1 to 500, default
 * 100; {@code pageNum} from 1), as Atlas's {@code PaginatedOrganizationView}: {@code results} of {@code {id, name,
 * isDeleted}}, {@code totalCount} and {@code links}. Every simulated org is listed unless a test hid it.
 */
final class OrgListEndpoint {

    private final Supplier<List<SimulatedOrg>> visible;

    OrgListEndpoint(Supplier<List<SimulatedOrg>> visible) {
        this.visible = visible;
    }

    void register(Router router) {
        router.add(Route.atlas(HttpMethod.GET, "/api/atlas/v2/orgs", List.of(InvoiceEndpoints.V2023_JSON), this::list));
    }

    private Mono<Reply> list(Exchange exchange) {
        int itemsPerPage;
        int pageNum;
        try {
            itemsPerPage = intParameter(exchange, "itemsPerPage", 100);
            pageNum = intParameter(exchange, "pageNum", 1);
        } catch (NumberFormatException e) {
            return Mono.just(ApiErrorBody.of(400, "INVALID_PARAMETER", "Invalid paging parameter.")
                    .toReply(exchange.envelope(), exchange.pretty()));
        }
        if (itemsPerPage < 1 || itemsPerPage > 500 || pageNum < 1) {
            return Mono.just(
                    ApiErrorBody.of(400, "INVALID_PARAMETER", "itemsPerPage must be 1 to 500 and pageNum at least 1.")
                            .toReply(exchange.envelope(), exchange.pretty()));
        }
        List<SimulatedOrg> orgs = visible.get().stream()
                .sorted((a, b) -> a.id().compareTo(b.id()))
                .toList();
        int from = Math.min(orgs.size(), (pageNum - 1) * itemsPerPage);
        List<SimulatedOrg> page = orgs.subList(from, Math.min(orgs.size(), from + itemsPerPage));
        RenderedBody body = JsonOutput.render(exchange.pretty(), g -> {
            g.writeStartObject();
            g.writeArrayPropertyStart("links");
            g.writeEndArray();
            g.writeArrayPropertyStart("results");
            for (SimulatedOrg org : page) {
                g.writeStartObject();
                g.writeStringProperty("id", org.id());
                g.writeBooleanProperty("isDeleted", false);
                g.writeStringProperty("name", org.name());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (exchange.envelope()) {
                g.writeNumberProperty("status", 200);
            }
            g.writeNumberProperty("totalCount", orgs.size());
            g.writeEndObject();
        });
        return Mono.just(Reply.json(200, exchange.mediaType(), body));
    }

    private static int intParameter(Exchange exchange, String name, int otherwise) {
        String value = exchange.parameter(name);
        return value == null || value.isBlank() ? otherwise : Integer.parseInt(value);
    }
}
