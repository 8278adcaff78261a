package dev.billingsync.atlas;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the service talks to the Atlas Admin API: where it is, the global credentials, timeouts, retries and the pinned
 * resource versions. Secrets are never part of {@link #toString()}.
 *
 * @param baseUrl Base URL of the Atlas Admin API; requests go to {base-url}/api/atlas/v2/... and service-account
 *     tokens come from {base-url}/api/oauth/token.
 * @param clientId Client id of the Atlas service account (OAuth 2.0 client credentials), the default way to
 *     authenticate. Set together with client-secret.
 * @param clientSecret Client secret of the Atlas service account. Take it from a Kubernetes Secret through the
 *     BILLING_ATLAS_CLIENT_SECRET environment variable; it is never logged.
 * @param publicKey Public key of a legacy Atlas programmatic API key (HTTP Digest), used only when no service account
 *     is configured. Set together with private-key.
 * @param privateKey Private key of the legacy Atlas programmatic API key; it is never logged.
 * @param timeouts Connect, read, whole-call and Cost Explorer poll timeouts for Atlas requests.
 * @param retry Retry policy for 429, 503, other 5xx and I/O errors (never for other 4xx).
 * @param versions Atlas resource versions sent as application/vnd.atlas.{version}+json.
 * @param spoolDirectory Directory where response bodies are streamed to temporary files before parsing; defaults to
 *     the JVM temporary directory (java.io.tmpdir).
 */
@ConfigurationProperties("billing.atlas")
@Validated
public record AtlasProperties(
        @DefaultValue("https://cloud.mongodb.com") @NotNull URI baseUrl,
        @Nullable String clientId,
        @Nullable String clientSecret,
        @Nullable String publicKey,
        @Nullable String privateKey,
        @DefaultValue @NotNull @Valid Timeouts timeouts,
        @DefaultValue @NotNull @Valid Retry retry,
        @DefaultValue @NotNull @Valid Versions versions,
        @Nullable Path spoolDirectory) {

    public AtlasProperties {
        clientId = blankToNull(clientId);
        clientSecret = blankToNull(clientSecret);
        publicKey = blankToNull(publicKey);
        privateKey = blankToNull(privateKey);
        // A half-configured pair is reported, naming the property, by the sync module's ConfiguredOrgs.
    }

    /**
     * The global credentials if configured: service account when client-id/secret are set, else API key when
     * public/private key are set.
     */
    public Optional<AtlasCredentials> credentials() {
        if (clientId != null && clientSecret != null) {
            return Optional.of(new AtlasCredentials.ServiceAccount(clientId, clientSecret));
        }
        if (publicKey != null && privateKey != null) {
            return Optional.of(new AtlasCredentials.ApiKey(publicKey, privateKey));
        }
        return Optional.empty();
    }

    /** The directory response bodies are spooled to. */
    Path spoolDirectoryOrDefault() {
        return spoolDirectory != null ? spoolDirectory : Path.of(System.getProperty("java.io.tmpdir"));
    }

    @Override
    public String toString() {
        return "AtlasProperties[baseUrl=" + baseUrl
                + ", clientId=" + clientId
                + ", clientSecret=" + (clientSecret == null ? "null" : "******")
                + ", publicKey=" + publicKey
                + ", privateKey=" + (privateKey == null ? "null" : "******")
                + ", timeouts=" + timeouts
                + ", retry=" + retry
                + ", versions=" + versions
                + ", spoolDirectory=" + spoolDirectory + "]";
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /**
     * Timeouts for Atlas requests.
     *
     * @param connect Maximum time to establish a TCP connection to Atlas.
     * @param read Maximum time to wait for response headers, and between two reads while a response body streams in.
     * @param call Deadline for one logical call, including every retry, back-off wait, token request and the body
     *     download.
     * @param poll Response timeout of one Cost Explorer poll, in place of read: a poll that gets no response within it
     *     counts as "still processing" (READ_TIMEOUT), not as an error; it also bounds the gaps between reads of a
     *     ready result's body (a stall there is an I/O error, retried).
     */
    public record Timeouts(
            @DefaultValue("10s") @NotNull @DurationMin(nanos = 1)
            Duration connect,

            @DefaultValue("60s") @NotNull @DurationMin(nanos = 1)
            Duration read,

            @DefaultValue("15m") @NotNull @DurationMin(nanos = 1)
            Duration call,

            @DefaultValue("20s") @NotNull @DurationMin(nanos = 1)
            Duration poll) {

        /** The canonical constructor is the one properties bind to. */
        @ConstructorBinding
        public Timeouts {}

        /** Connect, read and call timeouts with the default poll timeout of 20 s. */
        public Timeouts(Duration connect, Duration read, Duration call) {
            this(connect, read, call, Duration.ofSeconds(20));
        }
    }

    /**
     * Retry policy: 429 and 503 honour Retry-After (capped by max-retry-after), otherwise exponential back-off with
     * full jitter between initial-backoff and max-backoff; other 5xx and I/O errors are retried the same way; other
     * 4xx never.
     *
     * @param maxAttempts Total attempts of one call, the first one included (1 disables retries).
     * @param initialBackoff Shortest wait before a retry, and the base of the exponential back-off.
     * @param maxBackoff Longest back-off wait when Atlas sent no Retry-After.
     * @param maxRetryAfter Cap on a Retry-After delay that Atlas asks for on 429 or 503.
     */
    public record Retry(
            @DefaultValue("5") @Min(1) int maxAttempts,

            @DefaultValue("1s") @NotNull @DurationMin(nanos = 1)
            Duration initialBackoff,

            @DefaultValue("60s") @NotNull @DurationMin(nanos = 1)
            Duration maxBackoff,

            @DefaultValue("5m") @NotNull @DurationMin(nanos = 1)
            Duration maxRetryAfter) {

        public Retry {
            if (initialBackoff != null && maxBackoff != null && maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException(
                        "billing.atlas.retry.max-backoff must not be shorter than initial-backoff");
            }
        }
    }

    /**
     * Atlas resource versions (release dates), sent as {@code Accept: application/vnd.atlas.{version}+json}. Atlas
     * answers 406 to a version it does not know and 410 to one past its sunset.
     *
     * @param invoices Version of the invoice endpoints (pending invoices, invoice by id).
     * @param costExplorer Version of the Cost Explorer endpoints.
     */
    public record Versions(
            @DefaultValue("2023-01-01") @NotNull @Pattern(regexp = "\\d{4}-\\d{2}-\\d{2}")
            String invoices,

            @DefaultValue("2023-01-01") @NotNull @Pattern(regexp = "\\d{4}-\\d{2}-\\d{2}")
            String costExplorer) {}
}
