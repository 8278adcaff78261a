package dev.billingsync.atlas;

import java.net.URI;
import java.util.List;
import org.apache.hc.client5.http.auth.AuthChallenge;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.AuthenticationException;
import org.apache.hc.client5.http.auth.ChallengeType;
import org.apache.hc.client5.http.auth.MalformedChallengeException;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.AuthChallengeParser;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.auth.DigestScheme;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.message.ParserCursor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * Legacy API-key auth (HTTP Digest, MD5, qop=auth) for one Atlas API key, independent of the HTTP connector. Apache
 * httpclient5's {@link DigestScheme} does the RFC 7616 hashing. On a 401 with a Digest challenge the filter answers it
 * and resends the request once (bodies set with {@code bodyValue} can be sent again); later requests are signed
 * preemptively with the last challenge and an increasing {@code nc}, so only the first request, and the first after
 * the nonce expires (a 401 with {@code stale=true}), pays an extra round trip. A 401 to an answered challenge (a wrong
 * key) is returned to the caller.
 *
 * <p>Why not Apache's own Digest support behind WebClient: the async connector cannot resend a request body after a
 * 401 challenge (its reactive request body is not repeatable, so a POST fails), and httpclient5 never caches a Digest
 * scheme, so every request would be challenged first.
 */
final class AtlasDigestFilter implements ExchangeFilterFunction {

    private static final Logger log = LoggerFactory.getLogger(AtlasDigestFilter.class);

    private final String publicKey;
    private final BasicCredentialsProvider credentialsProvider = new BasicCredentialsProvider();

    /** The last answered challenge, or null before the first. Guarded by itself: {@code nc} must only grow. */
    private volatile @Nullable DigestScheme scheme;

    AtlasDigestFilter(AtlasCredentials.ApiKey apiKey) {
        this.publicKey = apiKey.publicKey();
        credentialsProvider.setCredentials(
                new AuthScope(null, -1),
                new UsernamePasswordCredentials(
                        apiKey.publicKey(), apiKey.privateKey().toCharArray()));
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        return Mono.defer(() -> {
            DigestScheme current = scheme;
            ClientRequest first = current != null ? signedOrUnchanged(request, current) : request;
            return next.exchange(first).flatMap(response -> {
                if (response.statusCode().value() != HttpStatus.UNAUTHORIZED.value()) {
                    return Mono.just(response);
                }
                ClientRequest answered = answerChallenge(request, response);
                if (answered == null) {
                    return Mono.just(response);
                }
                return response.releaseBody().then(next.exchange(answered));
            });
        });
    }

    /** The request signed for the challenge in the 401, or null when it carries no usable Digest challenge. */
    private @Nullable ClientRequest answerChallenge(ClientRequest request, ClientResponse response) {
        AuthChallenge challenge = digestChallenge(response.headers().header(HttpHeaders.WWW_AUTHENTICATE));
        if (challenge == null) {
            return null;
        }
        try {
            DigestScheme fresh = new DigestScheme();
            HttpClientContext context = HttpClientContext.create();
            fresh.processChallenge(challenge, context);
            if (!fresh.isResponseReady(host(request.url()), credentialsProvider, context)) {
                return null;
            }
            ClientRequest signed = sign(request, fresh);
            scheme = fresh;
            log.debug("Answered an Atlas Digest challenge for API key {}", publicKey);
            return signed;
        } catch (MalformedChallengeException | AuthenticationException e) {
            log.warn("Cannot answer the Atlas Digest challenge for API key {}: {}", publicKey, e.getMessage());
            return null;
        }
    }

    private ClientRequest signedOrUnchanged(ClientRequest request, DigestScheme current) {
        try {
            return sign(request, current);
        } catch (AuthenticationException e) {
            return request; // Atlas will challenge, and the challenge is answered afresh
        }
    }

    private static ClientRequest sign(ClientRequest request, DigestScheme digest) throws AuthenticationException {
        URI url = request.url();
        String target = url.getRawPath() + (url.getRawQuery() != null ? "?" + url.getRawQuery() : "");
        String authorization;
        synchronized (digest) {
            authorization = digest.generateAuthResponse(
                    host(url), new BasicHttpRequest(request.method().name(), target), HttpClientContext.create());
        }
        return ClientRequest.from(request)
                .headers(headers -> headers.set(HttpHeaders.AUTHORIZATION, authorization))
                .build();
    }

    private static @Nullable AuthChallenge digestChallenge(List<String> headers) {
        for (String header : headers) {
            try {
                List<AuthChallenge> challenges = AuthChallengeParser.INSTANCE.parse(
                        ChallengeType.TARGET, header, new ParserCursor(0, header.length()));
                for (AuthChallenge challenge : challenges) {
                    if ("Digest".equalsIgnoreCase(challenge.getSchemeName())) {
                        return challenge;
                    }
                }
            } catch (ParseException e) {
                log.debug("Ignoring an unreadable WWW-Authenticate header: {}", e.getMessage());
            }
        }
        return null;
    }

    private static HttpHost host(URI url) {
        return new HttpHost(url.getScheme(), url.getHost(), url.getPort());
    }
}
