package dev.billingsync.simulator;

import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /orgs/{orgId}/billing/costExplorer/usage} and {@code GET .../usage/{token}}, validated as Atlas does:
 * versioned {@code Content-Type} (415 otherwise), every field checked and unknown ones refused (400
 * {@code VALIDATION_ERROR}), results by {@code Accept} as JSON or CSV, "not ready" in the org's scripted wire form.
 */
final class CostExplorerEndpoints {

    static final String V2023_CSV = "application/vnd.atlas.2023-01-01+csv";
    static final String USAGE = "/api/atlas/v2/orgs/{orgId}/billing/costExplorer/usage";
    static final String CSV_HEADER = "Billed Date,Invoice Id,Organization Name,Organization ID,Project Name,"
            + "Project Id,Cluster Name,Cluster Unique Id,Service,Usage Amount\r\n";

    /** Atlas keeps 18 months of Cost Explorer data: the current month and the 17 before it. */
    static final int MONTHS_KEPT = 18;

    private static final Set<String> FIELDS = Set.of(
            "startDate",
            "endDate",
            "organizations",
            "projects",
            "clusters",
            "services",
            "groupBy",
            "includePartialMatches");

    private final Function<String, @Nullable SimulatedOrg> orgs;
    private final Supplier<LocalDate> today;
    private final Clock clock;

    /**
     * @param today the data clock's date: the 18 months are counted back from its month
     * @param clock real time, for the poll log
     */
    CostExplorerEndpoints(Function<String, @Nullable SimulatedOrg> orgs, Supplier<LocalDate> today, Clock clock) {
        this.orgs = orgs;
        this.today = today;
        this.clock = clock;
    }

    void register(Router router) {
        router.add(Route.atlas(HttpMethod.POST, USAGE, List.of(InvoiceEndpoints.V2023_JSON), this::create));
        router.add(Route.atlas(
                HttpMethod.GET, USAGE + "/{token}", List.of(InvoiceEndpoints.V2023_JSON, V2023_CSV), this::poll));
    }

    private Mono<Reply> create(Exchange exchange) {
        SimulatedOrg org = orgs.apply(exchange.variable("orgId"));
        if (org == null) {
            return Mono.just(InvoiceEndpoints.orgNotFound(exchange));
        }
        String contentType = exchange.header("Content-Type");
        String type = contentType == null
                ? null
                : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!InvoiceEndpoints.V2023_JSON.equals(type)) {
            return Mono.just(ApiErrorBody.of(
                            415,
                            "UNSUPPORTED_MEDIA_TYPE",
                            (contentType == null
                                            ? "Missing Content-Type header."
                                            : "Invalid Content-Type header or version date: " + contentType + ".")
                                    + " This resource needs " + InvoiceEndpoints.V2023_JSON + ".",
                            contentType == null ? "" : contentType)
                    .toReply(exchange.envelope(), exchange.pretty()));
        }
        return exchange.body().map(body -> {
            Validation validation = validate(body, today.get());
            if (validation.error() != null) {
                return (Reply) validation.error().toReply(exchange.envelope(), exchange.pretty());
            }
            String token = org.costExplorer().create(validation.query(), body);
            RenderedBody rendered = JsonOutput.render(exchange.pretty(), g -> {
                g.writeStartObject();
                if (exchange.envelope()) {
                    g.writeObjectPropertyStart("content");
                    g.writeStringProperty("token", token);
                    g.writeEndObject();
                    g.writeNumberProperty("status", 202);
                } else {
                    g.writeStringProperty("token", token);
                }
                g.writeEndObject();
            });
            return (Reply) Reply.json(202, exchange.mediaType(), rendered);
        });
    }

    private Mono<Reply> poll(Exchange exchange) {
        SimulatedOrg org = orgs.apply(exchange.variable("orgId"));
        if (org == null) {
            return Mono.just(InvoiceEndpoints.orgNotFound(exchange));
        }
        String token = exchange.variable("token");
        if (token.length() != 64) {
            return Mono.just(ApiErrorBody.of(
                            400,
                            "INVALID_PARAMETER",
                            "Invalid token " + token + ": must be 64 characters.",
                            "token",
                            token)
                    .toReply(exchange.envelope(), exchange.pretty()));
        }
        SimulatedCostExplorer.Outcome outcome = org.costExplorer().poll(token, clock.instant());
        if (outcome instanceof SimulatedCostExplorer.Outcome.NotReady notReady) {
            return Mono.just(notReady.form().reply(exchange.mediaType(), Map.of(), result(exchange, notReady.rows())));
        }
        if (outcome instanceof SimulatedCostExplorer.Outcome.Ready ready) {
            return Mono.just(Reply.json(200, exchange.mediaType(), result(exchange, ready.rows())));
        }
        return Mono.just(ApiErrorBody.of(
                        404,
                        "RESOURCE_NOT_FOUND",
                        "No Cost Explorer query with token " + token + " exists in organization " + org.id()
                                + "; it may have expired.",
                        token)
                .toReply(exchange.envelope(), exchange.pretty()));
    }

    // --- rendering

    private static RenderedBody result(Exchange exchange, List<CostExplorerRow> rows) {
        return V2023_CSV.equals(exchange.mediaType()) ? csv(rows) : json(rows, exchange.envelope(), exchange.pretty());
    }

    /** {@code {"usageDetails": [...]}}, properties in alphabetical order, absent fields left out, exact amounts. */
    static RenderedBody json(List<CostExplorerRow> rows, boolean envelope, boolean pretty) {
        return JsonOutput.render(pretty, g -> {
            g.writeStartObject();
            if (envelope) {
                g.writeName("content");
                g.writeStartObject();
            }
            g.writeArrayPropertyStart("usageDetails");
            for (CostExplorerRow row : rows) {
                g.writeStartObject();
                optional(g, "clusterId", row.clusterId());
                optional(g, "clusterName", row.clusterName());
                g.writeStringProperty("invoiceId", row.invoiceId());
                g.writeStringProperty("organizationId", row.organizationId());
                g.writeStringProperty("organizationName", row.organizationName());
                optional(g, "projectId", row.projectId());
                optional(g, "projectName", row.projectName());
                g.writeStringProperty("service", row.service());
                g.writeName("usageAmount");
                g.writeNumber(row.usageAmount().toPlainString());
                g.writeStringProperty("usageDate", row.usageDate().toString());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (envelope) {
                g.writeEndObject();
                g.writeNumberProperty("status", 200);
            }
            g.writeEndObject();
        });
    }

    /**
     * A header row and one line per row, CRLF, quoted where needed. The amount follows a space after its comma, as in
     * the spec's example ({@code Usage Amount, 1018.39}).
     */
    static RenderedBody csv(List<CostExplorerRow> rows) {
        StringBuilder text = new StringBuilder(CSV_HEADER);
        for (CostExplorerRow row : rows) {
            text.append(row.usageDate())
                    .append(',')
                    .append(cell(row.invoiceId()))
                    .append(',')
                    .append(cell(row.organizationName()))
                    .append(',')
                    .append(cell(row.organizationId()))
                    .append(',')
                    .append(cell(row.projectName()))
                    .append(',')
                    .append(cell(row.projectId()))
                    .append(',')
                    .append(cell(row.clusterName()))
                    .append(',')
                    .append(cell(row.clusterId()))
                    .append(',')
                    .append(cell(row.service()))
                    .append(", ")
                    .append(row.usageAmount().toPlainString())
                    .append("\r\n");
        }
        return RenderedBody.of(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String cell(@Nullable String value) {
        if (value == null) {
            return "";
        }
        if (value.contains(",") || value.contains("\"") || value.contains("\r") || value.contains("\n")) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }

    private static void optional(JsonGenerator g, String name, @Nullable String value) {
        if (value != null) {
            g.writeStringProperty(name, value);
        }
    }

    // --- validation

    /** Exactly one of the two is set. */
    record Validation(
            @Nullable CostExplorerQuery query, @Nullable ApiErrorBody error) {

        static Validation invalid(String detail, Object... parameters) {
            return new Validation(null, ApiErrorBody.of(400, "VALIDATION_ERROR", detail, parameters));
        }
    }

    /** Checks a request body as Atlas would; {@code today} decides which 18 months are available. */
    static Validation validate(String body, LocalDate today) {
        JsonNode root;
        try {
            root = JsonOutput.MAPPER.readTree(body);
        } catch (JacksonException e) {
            return new Validation(null, ApiErrorBody.of(400, "INVALID_JSON", "The request body is not valid JSON."));
        }
        if (root == null || !root.isObject()) {
            return Validation.invalid("The request body must be a JSON object.");
        }
        for (String name : root.propertyNames()) {
            if (!FIELDS.contains(name)) {
                return Validation.invalid("Invalid attribute " + name + " specified.", name);
            }
        }
        LocalDate start;
        LocalDate end;
        try {
            start = monthStart(root, "startDate");
            end = monthStart(root, "endDate");
        } catch (IllegalArgumentException e) {
            return Validation.invalid(e.getMessage());
        }
        if (!end.isAfter(start)) {
            return Validation.invalid("endDate " + end + " must be after startDate " + start + ".", "endDate");
        }
        LocalDate oldest = today.withDayOfMonth(1).minusMonths(MONTHS_KEPT - 1);
        if (start.isBefore(oldest)) {
            return Validation.invalid(
                    "startDate " + start + " is more than " + MONTHS_KEPT
                            + " months back; the oldest month available is " + oldest + ".",
                    "startDate");
        }
        List<String> organizations;
        List<String> projects;
        List<String> clusters;
        List<String> services;
        try {
            organizations = ids(root, "organizations");
            projects = ids(root, "projects");
            clusters = ids(root, "clusters");
            services = strings(root, "services");
        } catch (IllegalArgumentException e) {
            return Validation.invalid(e.getMessage());
        }
        if (services != null) {
            for (String service : services) {
                if (!CostExplorerUsage.SERVICES.contains(service)) {
                    return Validation.invalid("Invalid service " + service + " in services.", "services", service);
                }
            }
        }
        String groupBy = null;
        if (root.has("groupBy")) {
            JsonNode node = root.get("groupBy");
            if (!node.isString() || !CostExplorerUsage.GROUP_BY.contains(node.asString())) {
                return Validation.invalid(
                        "groupBy must be one of " + String.join(", ", CostExplorerUsage.GROUP_BY) + ".", "groupBy");
            }
            groupBy = node.asString();
            List<String> dimension = switch (groupBy) {
                case "organizations" -> organizations;
                case "projects" -> projects;
                case "clusters" -> clusters;
                default -> services;
            };
            if (dimension == null || dimension.isEmpty()) {
                return Validation.invalid(
                        "At least one filter value needs to be provided in " + groupBy + " to group by " + groupBy
                                + ".",
                        "groupBy",
                        groupBy);
            }
        }
        boolean partial = false;
        if (root.has("includePartialMatches")) {
            JsonNode node = root.get("includePartialMatches");
            if (!node.isBoolean()) {
                return Validation.invalid("includePartialMatches must be a boolean.", "includePartialMatches");
            }
            partial = node.booleanValue();
        }
        return new Validation(
                new CostExplorerQuery(start, end, organizations, projects, clusters, services, groupBy, partial), null);
    }

    private static LocalDate monthStart(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null) {
            throw new IllegalArgumentException(field + " is required.");
        }
        if (!node.isString() || !node.asString().matches("\\d{4}-\\d{2}-\\d{2}")) {
            throw new IllegalArgumentException(field + " must be a date in the format yyyy-MM-dd.");
        }
        LocalDate date;
        try {
            date = LocalDate.parse(node.asString());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " " + node.asString() + " is not a valid date.");
        }
        if (date.getDayOfMonth() != 1) {
            throw new IllegalArgumentException(field + " " + date + " must be the start of a month.");
        }
        return date;
    }

    private static @Nullable List<String> ids(JsonNode root, String field) {
        List<String> values = strings(root, field);
        if (values != null) {
            for (String value : values) {
                if (!AtlasIds.isObjectId(value)) {
                    throw new IllegalArgumentException(
                            "Invalid " + field + " value " + value + ": must be 24 hexadecimal characters.");
                }
            }
        }
        return values;
    }

    /** An array of strings, null when the field is absent; an explicit null is invalid, as any non-array. */
    private static @Nullable List<String> strings(JsonNode root, String field) {
        if (!root.has(field)) {
            return null;
        }
        JsonNode node = root.get(field);
        if (!node.isArray()) {
            throw new IllegalArgumentException(field + " must be an array of strings.");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isString()) {
                throw new IllegalArgumentException(field + " must be an array of strings.");
            }
            values.add(element.asString());
        }
        return List.copyOf(values);
    }
}
