package dev.billingsync.atlas;

import java.io.ByteArrayOutputStream;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;

/**
 * The body of {@code POST .../billing/costExplorer/usage} ({@code CostExplorerFilterRequestBody}). Null lists and
 * values are left out of the JSON (Atlas rejects unknown or invalid fields). Dates are sent as {@code yyyy-MM-dd};
 * Atlas wants both on the first of a month, {@code endDate} exclusive, and a {@code groupBy} needs filter values for
 * its dimension. Those rules are Atlas's to enforce (a 400 {@link AtlasApiException}); this record only refuses what
 * cannot be sent at all.
 *
 * @param organizations 24-hex org ids (the spec does not require the field; we always send it)
 * @param groupBy {@code organizations}, {@code projects}, {@code clusters} or {@code services}
 */
public record CostExplorerRequest(
        LocalDate startDate,
        LocalDate endDate,
        List<String> organizations,
        @Nullable List<String> projects,
        @Nullable List<String> clusters,
        @Nullable List<String> services,
        @Nullable String groupBy,
        @Nullable Boolean includePartialMatches) {

    public CostExplorerRequest {
        Objects.requireNonNull(startDate, "startDate");
        Objects.requireNonNull(endDate, "endDate");
        organizations = List.copyOf(Objects.requireNonNull(organizations, "organizations"));
        projects = projects == null ? null : List.copyOf(projects);
        clusters = clusters == null ? null : List.copyOf(clusters);
        services = services == null ? null : List.copyOf(services);
    }

    /** The JSON body as sent: fields in declaration order, nulls left out. */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = AtlasJson.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("startDate", startDate.toString());
            g.writeStringProperty("endDate", endDate.toString());
            writeList(g, "organizations", organizations);
            writeList(g, "projects", projects);
            writeList(g, "clusters", clusters);
            writeList(g, "services", services);
            if (groupBy != null) {
                g.writeStringProperty("groupBy", groupBy);
            }
            if (includePartialMatches != null) {
                g.writeBooleanProperty("includePartialMatches", includePartialMatches);
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void writeList(JsonGenerator g, String name, @Nullable List<String> values) {
        if (values == null) {
            return;
        }
        g.writeArrayPropertyStart(name);
        for (String value : values) {
            g.writeString(value);
        }
        g.writeEndArray();
    }
}
