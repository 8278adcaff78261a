package dev.billingsync.simulator;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;

/**
 * The OAuth 2.0 side of Atlas service accounts: {@code POST /api/oauth/token} (client credentials, Basic client
 * auth), {@code POST /api/oauth/revoke}, and the check of the bearer tokens it issued. Expiry runs on real time.
 */
final class ServiceAccounts {

    /** Atlas refuses more live tokens than this per service account (403 {@code access_denied}). */
    static final int MAX_ACTIVE_TOKENS = 100;

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final Map<String, Issued> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger issued = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private final LongSupplier nanoTime;
    private volatile Duration lifetime = Duration.ofHours(1);

    ServiceAccounts(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    void add(String clientId, String clientSecret) {
        secrets.put(clientId, clientSecret);
    }

    void lifetime(Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("Token lifetime must be positive: " + lifetime);
        }
        this.lifetime = lifetime;
    }

    void revokeAll() {
        tokens.clear();
    }

    int issued() {
        return issued.get();
    }

    boolean isValid(String token) {
        Issued found = tokens.get(token);
        if (found == null) {
            return false;
        }
        if (nanoTime.getAsLong() - found.expiresAtNanos() >= 0) {
            tokens.remove(token, found);
            return false;
        }
        return true;
    }

    Reply token(@Nullable String authorization, @Nullable String contentType, String body) {
        String clientId = authenticatedClient(authorization);
        if (clientId == null) {
            return error(
                    401,
                    "invalid_client",
                    "Invalid client credentials.",
                    Map.of("WWW-Authenticate", "Basic realm=\"oauth\""));
        }
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(FORM)) {
            return error(400, "invalid_request", "Content-Type must be " + FORM + ".", Map.of());
        }
        List<String> grantTypes = new QueryStringDecoder(body, StandardCharsets.UTF_8, false)
                .parameters()
                .getOrDefault("grant_type", List.of());
        if (grantTypes.isEmpty()) {
            return error(400, "invalid_request", "Missing grant_type.", Map.of());
        }
        if (!grantTypes.equals(List.of("client_credentials"))) {
            return error(400, "unsupported_grant_type", "Only client_credentials is supported.", Map.of());
        }
        long now = nanoTime.getAsLong();
        tokens.values().removeIf(token -> now - token.expiresAtNanos() >= 0);
        long active = tokens.values().stream()
                .filter(token -> token.clientId().equals(clientId))
                .count();
        if (active >= MAX_ACTIVE_TOKENS) {
            return error(
                    403,
                    "access_denied",
                    "Access Token limit reached. Please use the existing Access Tokens"
                            + " or create a new Service Account.",
                    Map.of());
        }
        Duration life = lifetime;
        String token = newToken(clientId, life);
        tokens.put(token, new Issued(clientId, now + life.toNanos()));
        issued.incrementAndGet();
        long expiresIn = Math.max(1, (life.toMillis() + 999) / 1000);
        RenderedBody json = JsonOutput.render(false, g -> {
            g.writeStartObject();
            g.writeStringProperty("access_token", token);
            g.writeNumberProperty("expires_in", expiresIn);
            g.writeStringProperty("token_type", "Bearer");
            g.writeEndObject();
        });
        return new Reply.Body(200, "application/json", json, Map.of("Cache-Control", "no-store"));
    }

    Reply revoke(@Nullable String authorization, String body) {
        if (authenticatedClient(authorization) == null) {
            return error(
                    401,
                    "invalid_client",
                    "Invalid client credentials.",
                    Map.of("WWW-Authenticate", "Basic realm=\"oauth\""));
        }
        new QueryStringDecoder(body, StandardCharsets.UTF_8, false)
                .parameters()
                .getOrDefault("token", List.of())
                .forEach(tokens::remove);
        return new Reply.Body(200, null, RenderedBody.EMPTY, Map.of());
    }

    private @Nullable String authenticatedClient(@Nullable String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String id = decoded.substring(0, colon);
        String secret = decoded.substring(colon + 1);
        if (matches(id, secret)) {
            return id;
        }
        // RFC 6749 2.3.1: clients form-encode id and secret before Base64 (Spring Security does).
        String decodedId = URLDecoder.decode(id, StandardCharsets.UTF_8);
        return matches(decodedId, URLDecoder.decode(secret, StandardCharsets.UTF_8)) ? decodedId : null;
    }

    private boolean matches(String id, String secret) {
        String expected = secrets.get(id);
        return expected != null
                && MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8));
    }

    /** JWT-shaped like Atlas' tokens, but opaque to clients; the signature part is random. */
    private String newToken(String clientId, Duration life) {
        byte[] signature = new byte[32];
        random.nextBytes(signature);
        long issuedAt = System.currentTimeMillis() / 1000;
        String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
        String payload = "{\"exp\":" + (issuedAt + life.toSeconds()) + ",\"iat\":" + issuedAt
                + ",\"iss\":\"atlas-simulator\",\"jti\":\"" + HexFormat.of().formatHex(signature, 0, 8)
                + "\",\"sub\":\"" + clientId.replace("\"", "") + "\"}";
        return BASE64URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + BASE64URL.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + BASE64URL.encodeToString(signature);
    }

    private static Reply.Body error(int status, String error, String description, Map<String, String> headers) {
        RenderedBody json = JsonOutput.render(false, (JsonGenerator g) -> {
            g.writeStartObject();
            g.writeStringProperty("error", error);
            g.writeStringProperty("error_description", description);
            g.writeEndObject();
        });
        return new Reply.Body(status, "application/json", json, headers);
    }

    private record Issued(String clientId, long expiresAtNanos) {}
}
