package dev.billingsync.atlas;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.codec.Hints;
import org.springframework.http.HttpStatus;
import org.springframework.http.ReactiveHttpInputMessage;
import org.springframework.http.codec.HttpMessageReader;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.web.reactive.function.OAuth2BodyExtractors;
import org.springframework.web.reactive.function.BodyExtractor;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Service-account auth (OAuth 2.0 client credentials) for one Atlas service account: adds the cached bearer token to
 * each request; on a 401 from Atlas it forgets that token, fetches a new one and resends the request once. A second
 * 401 is returned to the caller as it is.
 *
 * <p>Tokens come from Spring Security's reactive {@link AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager}
 * (the servlet exchange filter does not authorize outside an HTTP request on Security 7.1.0, and our callers are
 * scheduler threads). {@link Tokens} holds one {@link ClientRegistration} per distinct client id, so orgs that share a
 * service account share one cached token, reused until 60 s before it expires.
 */
final class AtlasOAuthFilter implements ExchangeFilterFunction {

    private static final Logger log = LoggerFactory.getLogger(AtlasOAuthFilter.class);

    /** Tokens belong to the service, not to a user: one principal name for every cached token. */
    static final String PRINCIPAL = "billing-sync";

    static final String TOKEN_PATH = "/api/oauth/token";

    private final Tokens tokens;
    private final String registrationId;
    private final String clientId;

    private AtlasOAuthFilter(Tokens tokens, String registrationId, String clientId) {
        this.tokens = tokens;
        this.registrationId = registrationId;
        this.clientId = clientId;
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        return tokens.authorize(registrationId)
                .flatMap(client -> send(request, next, client.getAccessToken()).flatMap(response -> {
                    if (response.statusCode().value() != HttpStatus.UNAUTHORIZED.value()) {
                        return Mono.just(response);
                    }
                    log.info(
                            "Atlas rejected the access token of service account {} (401): fetching a new one and "
                                    + "resending once",
                            clientId);
                    return response.releaseBody()
                            .then(tokens.forget(registrationId, client.getAccessToken()))
                            .then(tokens.authorize(registrationId))
                            .flatMap(fresh -> send(request, next, fresh.getAccessToken()));
                }));
    }

    private static Mono<ClientResponse> send(ClientRequest request, ExchangeFunction next, OAuth2AccessToken token) {
        return next.exchange(ClientRequest.from(request)
                .headers(headers -> headers.setBearerAuth(token.getTokenValue()))
                .build());
    }

    /**
     * The token cache of one {@link AtlasClient}: registrations built from credentials (never from
     * {@code spring.security.oauth2.client.*}), an in-memory authorized-client service and the reactive manager.
     */
    static final class Tokens {

        private final Map<String, ClientRegistration> registrations = new ConcurrentHashMap<>();
        private final Map<String, AtlasOAuthFilter> filters = new ConcurrentHashMap<>();
        private final ReactiveOAuth2AuthorizedClientService authorizedClients;
        private final AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager manager;
        private final String tokenUri;
        private final Duration timeout;

        /**
         * @param tokenWebClient a WebClient with connect and response timeouts that turns token-endpoint errors into
         *     {@link AtlasApiException}s (see {@link AtlasClient})
         */
        Tokens(URI baseUrl, WebClient tokenWebClient, Duration timeout, Clock clock, AtlasMetrics metrics) {
            this.tokenUri = baseUrl.toString().replaceAll("/+$", "") + TOKEN_PATH;
            this.timeout = timeout;
            this.authorizedClients =
                    new InMemoryReactiveOAuth2AuthorizedClientService(id -> Mono.justOrEmpty(registrations.get(id)));
            WebClientReactiveClientCredentialsTokenResponseClient tokenClient =
                    new WebClientReactiveClientCredentialsTokenResponseClient();
            tokenClient.setWebClient(tokenWebClient);
            tokenClient.setBodyExtractor(withoutValueLogging(OAuth2BodyExtractors.oauth2AccessTokenResponse()));
            ReactiveOAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> countingClient =
                    grantRequest -> fetch(tokenClient, grantRequest, metrics);
            this.manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(
                    id -> Mono.justOrEmpty(registrations.get(id)), authorizedClients);
            // Default clock skew (60 s): a token is renewed a minute before it expires. Atlas tokens live 3600 s.
            this.manager.setAuthorizedClientProvider(ReactiveOAuth2AuthorizedClientProviderBuilder.builder()
                    .clientCredentials(builder ->
                            builder.accessTokenResponseClient(countingClient).clock(clock))
                    .build());
        }

        AtlasOAuthFilter filterFor(AtlasCredentials.ServiceAccount account) {
            String registrationId = registrationId(account.clientId());
            ClientRegistration registration = ClientRegistration.withRegistrationId(registrationId)
                    .clientId(account.clientId())
                    .clientSecret(account.clientSecret())
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                    .tokenUri(tokenUri)
                    .build();
            ClientRegistration previous = registrations.put(registrationId, registration);
            if (previous != null && !previous.getClientSecret().equals(account.clientSecret())) {
                // The secret was rotated (or two orgs disagree on it): the cached token may belong to the old one.
                log.warn(
                        "Service account {} is configured with a different secret than before; dropping its cached "
                                + "token",
                        account.clientId());
                authorizedClients
                        .removeAuthorizedClient(registrationId, PRINCIPAL)
                        .subscribe(); // in memory: synchronous
            }
            return filters.computeIfAbsent(registrationId, id -> new AtlasOAuthFilter(this, id, account.clientId()));
        }

        Mono<OAuth2AuthorizedClient> authorize(String registrationId) {
            OAuth2AuthorizeRequest request = OAuth2AuthorizeRequest.withClientRegistrationId(registrationId)
                    .principal(PRINCIPAL)
                    .build();
            return manager.authorize(request)
                    .switchIfEmpty(Mono.error(
                            () -> new IllegalStateException("no access token for registration " + registrationId)))
                    .onErrorMap(
                            OAuth2AuthorizationException.class,
                            e -> AtlasApiException.malformed(
                                    "the token response of " + TOKEN_PATH + " ("
                                            + e.getError().getErrorCode() + ")",
                                    e));
        }

        /** Drops the cached token if it is still the one Atlas rejected (another call may have replaced it). */
        Mono<Void> forget(String registrationId, OAuth2AccessToken rejected) {
            return authorizedClients
                    .<OAuth2AuthorizedClient>loadAuthorizedClient(registrationId, PRINCIPAL)
                    .filter(cached -> cached.getAccessToken().getTokenValue().equals(rejected.getTokenValue()))
                    .flatMap(cached -> authorizedClients.removeAuthorizedClient(registrationId, PRINCIPAL));
        }

        private Mono<OAuth2AccessTokenResponse> fetch(
                WebClientReactiveClientCredentialsTokenResponseClient tokenClient,
                OAuth2ClientCredentialsGrantRequest grantRequest,
                AtlasMetrics metrics) {
            String clientId = grantRequest.getClientRegistration().getClientId();
            return tokenClient
                    .getTokenResponse(grantRequest)
                    .timeout(timeout)
                    .doOnNext(response -> {
                        metrics.tokenFetch("success");
                        log.info(
                                "Obtained an Atlas access token for service account {}, valid until {}",
                                clientId,
                                response.getAccessToken().getExpiresAt());
                    })
                    .doOnError(e -> metrics.tokenFetch("failure"))
                    .onErrorMap(
                            java.util.concurrent.TimeoutException.class,
                            e -> AtlasApiException.timeout("POST " + TOKEN_PATH, e));
        }

        /**
         * The token response as Security reads it, but with the codecs' DEBUG logging of decoded values suppressed:
         * by default JacksonJsonDecoder logs the start of the map, access token included.
         */
        private static BodyExtractor<Mono<OAuth2AccessTokenResponse>, ReactiveHttpInputMessage> withoutValueLogging(
                BodyExtractor<Mono<OAuth2AccessTokenResponse>, ReactiveHttpInputMessage> delegate) {
            return (message, context) -> delegate.extract(message, new BodyExtractor.Context() {
                @Override
                public List<HttpMessageReader<?>> messageReaders() {
                    return context.messageReaders();
                }

                @Override
                public Optional<ServerHttpResponse> serverResponse() {
                    return context.serverResponse();
                }

                @Override
                public Map<String, Object> hints() {
                    return Hints.merge(context.hints(), Hints.SUPPRESS_LOGGING_HINT, true);
                }
            });
        }

        static String registrationId(String clientId) {
            return "atlas-" + clientId;
        }
    }
}
