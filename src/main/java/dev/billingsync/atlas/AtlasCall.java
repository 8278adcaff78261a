package dev.billingsync.atlas;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/**
 * One request to {@code {base}/api/atlas/v2}: method, path template (also the metrics/exception endpoint), its
 * variables, the versioned Accept type and an optional body (sent with {@code contentType}, default the Accept
 * type, as Atlas expects the versioned type on bodies too). A {@code byte[]} body is sent as it is.
 *
 * @param responseTimeout replaces {@code timeouts.read} for this request when set
 */
record AtlasCall(
        HttpMethod method,
        String pathTemplate,
        Object[] uriVariables,
        MediaType accept,
        @Nullable Object body,
        @Nullable MediaType contentType,
        @Nullable Duration responseTimeout) {

    static AtlasCall get(String pathTemplate, MediaType accept, Object... uriVariables) {
        return new AtlasCall(HttpMethod.GET, pathTemplate, uriVariables, accept, null, null, null);
    }

    static AtlasCall post(String pathTemplate, MediaType accept, Object body, Object... uriVariables) {
        return new AtlasCall(HttpMethod.POST, pathTemplate, uriVariables, accept, body, null, null);
    }

    AtlasCall withResponseTimeout(Duration timeout) {
        return new AtlasCall(method, pathTemplate, uriVariables, accept, body, contentType, timeout);
    }

    /** How exceptions, logs and metrics name the call: {@code GET /orgs/{orgId}/invoices}. */
    String endpoint() {
        return method.name() + " " + path();
    }

    /** The path template without its query, as metrics tag it: one series per endpoint, whatever the paging. */
    String path() {
        int query = pathTemplate.indexOf('?');
        return query < 0 ? pathTemplate : pathTemplate.substring(0, query);
    }
}
