package dev.billingsync.atlas;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.jspecify.annotations.Nullable;

/** One entry of Atlas's {@code GET /api/atlas/v2/orgs} ({@code AtlasOrganization}): what discovery needs of it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AtlasOrganization(
        String id, @Nullable String name, @Nullable Boolean isDeleted) {

    public boolean deleted() {
        return Boolean.TRUE.equals(isDeleted);
    }
}
