package dev.billingsync.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Legacy Atlas API keys: HTTP Digest (RFC 7616) with MD5 and {@code qop=auth}, public key as user name, private
 * key as password. Nonces are short-lived; a correct answer on an expired nonce gets {@code stale=true}, and a
 * nonce count is accepted once.
 */
final class DigestAuth {

    static final String REALM = "MMS Public API";

    private final Map<String, String> keys = new ConcurrentHashMap<>();
    private final Map<String, Nonce> nonces = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final LongSupplier nanoTime;
    private volatile Duration nonceLifetime = Duration.ofMinutes(5);

    DigestAuth(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    enum Outcome {
        OK,
        /** No Digest answer, unknown user, wrong password, unknown nonce, replayed count: a fresh challenge. */
        INVALID,
        /** A correct answer on an expired nonce: a fresh challenge with {@code stale=true}. */
        STALE
    }

    void add(String publicKey, String privateKey) {
        keys.put(publicKey, privateKey);
    }

    void nonceLifetime(Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("Nonce lifetime must be positive: " + lifetime);
        }
        this.nonceLifetime = lifetime;
    }

    /** The {@code WWW-Authenticate} value, in the exact form Atlas sends, with a new nonce. */
    String challenge(boolean stale) {
        long now = nanoTime.getAsLong();
        long forget = nonceLifetime.toNanos() * 4;
        nonces.values().removeIf(nonce -> now - nonce.issuedNanos() > forget);
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String nonce = Base64.getEncoder().encodeToString(bytes);
        nonces.put(nonce, new Nonce(now, ConcurrentHashMap.newKeySet()));
        return "Digest realm=\"" + REALM + "\", domain=\"\", nonce=\"" + nonce
                + "\", algorithm=MD5, qop=\"auth\", stale=" + stale;
    }

    Outcome verify(String method, String requestUri, String authorization) {
        if (!authorization.regionMatches(true, 0, "Digest ", 0, 7)) {
            return Outcome.INVALID;
        }
        Map<String, String> answer = parameters(authorization.substring(7));
        String username = answer.get("username");
        String password = username == null ? null : keys.get(username);
        String nonceValue = answer.get("nonce");
        Nonce nonce = nonceValue == null ? null : nonces.get(nonceValue);
        String algorithm = answer.getOrDefault("algorithm", "MD5");
        String nc = answer.get("nc");
        String cnonce = answer.get("cnonce");
        String response = answer.get("response");
        if (password == null
                || nonce == null
                || nc == null
                || cnonce == null
                || response == null
                || !REALM.equals(answer.get("realm"))
                || !"MD5".equalsIgnoreCase(algorithm)
                || !"auth".equals(answer.get("qop"))
                || !requestUri.equals(answer.get("uri"))) {
            return Outcome.INVALID;
        }
        String ha1 = md5(username + ":" + REALM + ":" + password);
        String ha2 = md5(method + ":" + requestUri);
        String expected = md5(ha1 + ":" + nonceValue + ":" + nc + ":" + cnonce + ":auth:" + ha2);
        if (!MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII),
                response.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            return Outcome.INVALID;
        }
        if (nanoTime.getAsLong() - nonce.issuedNanos() > nonceLifetime.toNanos()) {
            return Outcome.STALE;
        }
        long count;
        try {
            count = Long.parseLong(nc, 16);
        } catch (NumberFormatException badCount) {
            return Outcome.INVALID;
        }
        return nonce.usedCounts().add(count) ? Outcome.OK : Outcome.INVALID;
    }

    /** {@code key=value} and {@code key="quoted, value"} pairs separated by commas. */
    static Map<String, String> parameters(String text) {
        Map<String, String> result = new HashMap<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && (text.charAt(i) == ',' || Character.isWhitespace(text.charAt(i)))) {
                i++;
            }
            int keyStart = i;
            while (i < n && text.charAt(i) != '=' && text.charAt(i) != ',') {
                i++;
            }
            String key = text.substring(keyStart, i).strip().toLowerCase(Locale.ROOT);
            if (i >= n || text.charAt(i) != '=') {
                continue;
            }
            i++;
            StringBuilder value = new StringBuilder();
            if (i < n && text.charAt(i) == '"') {
                i++;
                while (i < n && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    value.append(text.charAt(i++));
                }
                i++;
            } else {
                while (i < n && text.charAt(i) != ',') {
                    value.append(text.charAt(i++));
                }
            }
            if (!key.isEmpty()) {
                result.put(key, value.toString().strip());
            }
        }
        return result;
    }

    static String md5(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("MD5 is a required JDK algorithm", impossible);
        }
    }

    private record Nonce(long issuedNanos, Set<Long> usedCounts) {}
}
