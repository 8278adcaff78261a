package dev.billingsync.atlas;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The Atlas {@code ApiError} body. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AtlasError(
        @Nullable Integer error,
        @Nullable String errorCode,
        @Nullable String reason,
        @Nullable String detail,
        @Nullable List<Object> parameters) {}
