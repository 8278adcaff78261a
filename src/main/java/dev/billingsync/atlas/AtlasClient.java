package dev.billingsync.atlas;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.info.BuildProperties;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The Atlas Admin API client: a WebClient on Reactor Netty configured from {@link AtlasProperties}, shared by all
 * {@link AtlasOrgSession}s, plus the token cache of service accounts and the Digest state of API keys.
 */
@Component
public class AtlasClient implements DisposableBean {

    static final String API_PATH = "/api/atlas/v2";

    /** How logs and retries name the orgs-list call, which belongs to no org. */
    private static final String ORGS_LIST = "orgs-list";

    static final String ORGS_PATH = "/orgs";
    /** The orgs list has had one version since the v2 API began. */
    static final String ORGS_VERSION = "2023-01-01";

    static final int ORGS_PAGE_SIZE = 500;

    private final Shared shared;
    private final ConnectionProvider connections;
    private final SpoolDirectory spool;
    private final AtlasOAuthFilter.Tokens tokens;
    private final Map<AtlasCredentials.ApiKey, AtlasDigestFilter> digestFilters = new ConcurrentHashMap<>();

    @Autowired
    public AtlasClient(
            AtlasProperties properties,
            WebClient.Builder webClientBuilder,
            MeterRegistry meterRegistry,
            ObjectProvider<BuildProperties> buildProperties,
            ObjectProvider<Clock> clock) {
        this(
                properties,
                webClientBuilder,
                meterRegistry,
                clock.getIfAvailable(Clock::systemUTC),
                version(buildProperties.getIfAvailable()));
    }

    /** For use without a Spring context (tests, tools): system clock, version from the jar manifest. */
    public AtlasClient(AtlasProperties properties, WebClient.Builder webClientBuilder, MeterRegistry meterRegistry) {
        this(properties, webClientBuilder, meterRegistry, Clock.systemUTC(), version(null));
    }

    AtlasClient(
            AtlasProperties properties,
            WebClient.Builder webClientBuilder,
            MeterRegistry meterRegistry,
            Clock clock,
            String version) {
        AtlasProperties.Timeouts timeouts = properties.timeouts();
        this.connections = ConnectionProvider.builder("atlas")
                // Idle connections are dropped before a load balancer silently does it for us.
                .maxIdleTime(Duration.ofSeconds(20))
                .evictInBackground(Duration.ofSeconds(30))
                .build();
        HttpClient httpClient = HttpClient.create(connections)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        Math.min(Integer.MAX_VALUE, timeouts.connect().toMillis()))
                // Between reads, not for the whole body: a large body may take long but must keep moving.
                .responseTimeout(timeouts.read())
                .compress(true)
                // An egress proxy, if the JVM is given one (https.proxyHost, http.nonProxyHosts, ...).
                .proxyWithSystemProperties()
                // Reactor Netty takes a 1xx (Cost Explorer's 102) as the final response and would pool a connection
                // on which the real answer may still arrive (a 102 followed later by a 200 corrupted the next exchange
                // on that connection when we tried it): never reuse such a connection.
                // Cost Explorer polls go through this very client (CostExplorerCalls#pollCostExplorerQuery), so this
                // covers them; a poll that times out or fails has its connection closed by Reactor Netty anyway.
                .doOnResponse((response, connection) -> {
                    if (response.status().code() < 200) {
                        connection.markPersistent(false);
                    }
                });
        ReactorClientHttpConnector connector = new ReactorClientHttpConnector(httpClient);
        String userAgent = "billing-sync/" + version;
        String base = properties.baseUrl().toString().replaceAll("/+$", "");

        WebClient apiClient = webClientBuilder
                .clone()
                .clientConnector(connector)
                .baseUrl(base + API_PATH)
                .defaultHeader(HttpHeaders.USER_AGENT, userAgent)
                .build();
        WebClient tokenClient = webClientBuilder
                .clone()
                .clientConnector(connector)
                .defaultHeader(HttpHeaders.USER_AGENT, userAgent)
                .filter(ExchangeFilterFunction.ofResponseProcessor(AtlasClient::tokenEndpointErrors))
                .build();

        AtlasMetrics metrics = new AtlasMetrics(meterRegistry);
        this.tokens = new AtlasOAuthFilter.Tokens(
                URI.create(base), tokenClient, timeouts.connect().plus(timeouts.read()), clock, metrics);
        this.spool = SpoolDirectory.open(properties.spoolDirectoryOrDefault());
        this.shared = new Shared(
                properties,
                apiClient,
                metrics,
                new AtlasResponseSpooler(spool.path()),
                new AtlasInvoiceReader(),
                new AtlasCostExplorerReader(),
                clock);
    }

    /** A session for one org during one sync run, authenticated with {@code credentials}. */
    public AtlasOrgSession session(String orgId, AtlasCredentials credentials) {
        Objects.requireNonNull(orgId, "orgId");
        Objects.requireNonNull(credentials, "credentials");
        ExchangeFilterFunction auth;
        if (credentials instanceof AtlasCredentials.ServiceAccount serviceAccount) {
            auth = tokens.filterFor(serviceAccount);
        } else {
            auth = digestFilters.computeIfAbsent((AtlasCredentials.ApiKey) credentials, AtlasDigestFilter::new);
        }
        return new AtlasOrgSession(orgId, shared, auth);
    }

    /**
     * {@code GET /api/atlas/v2/orgs}, every page: the organizations {@code credentials} can see (deleted ones
     * included). Retried, bounded and failing like every call ({@link AtlasApiException}).
     */
    public List<AtlasOrganization> organizations(AtlasCredentials credentials) {
        return organizations(session(ORGS_LIST, credentials));
    }

    /**
     * {@code GET /api/atlas/v2/orgs}, every page ({@code itemsPerPage=500}): the organizations these credentials can
     * see, deleted ones included (the caller filters). Accept {@code application/vnd.atlas.2023-01-01+json}.
     */
    private List<AtlasOrganization> organizations(AtlasOrgSession session) {
        List<AtlasOrganization> all = new ArrayList<>();
        for (int pageNum = 1; ; pageNum++) {
            AtlasCall call = AtlasCall.get(
                    ORGS_PATH + "?itemsPerPage={itemsPerPage}&pageNum={pageNum}",
                    shared.json(ORGS_VERSION),
                    ORGS_PAGE_SIZE,
                    pageNum);
            OrgPage page;
            try (AtlasPayload payload = Objects.requireNonNull(session.execute(call, session::spoolOrFail));
                    InputStream in = Files.newInputStream(payload.file())) {
                page = AtlasJson.MAPPER.readValue(in, OrgPage.class);
            } catch (IOException | RuntimeException e) {
                if (e instanceof AtlasApiException atlasError) {
                    throw atlasError;
                }
                throw new AtlasApiException(
                        200,
                        "MALFORMED_RESPONSE",
                        "GET " + ORGS_PATH + " answered a body that" + " is not an organization list",
                        null,
                        null);
            }
            List<AtlasOrganization> results = page.results() == null ? List.of() : page.results();
            all.addAll(results);
            boolean more =
                    page.totalCount() != null ? all.size() < page.totalCount() : results.size() == ORGS_PAGE_SIZE;
            if (results.isEmpty() || !more) {
                return List.copyOf(all);
            }
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record OrgPage(
            @Nullable List<AtlasOrganization> results,
            @Nullable Integer totalCount) {}

    /** Closes the connection pool and deletes this client's spool folder. */
    @Override
    public void destroy() {
        connections.dispose();
        spool.close();
    }

    private static String version(@Nullable BuildProperties buildProperties) {
        if (buildProperties != null && buildProperties.getVersion() != null) {
            return buildProperties.getVersion();
        }
        String manifestVersion = AtlasClient.class.getPackage().getImplementationVersion();
        return manifestVersion != null ? manifestVersion : "dev";
    }

    /**
     * A failed token request becomes an {@link AtlasApiException} with the real status (so 429 and 5xx are retried,
     * 400/401/403 are not) and the OAuth error code, never the body's description.
     */
    private static Mono<ClientResponse> tokenEndpointErrors(ClientResponse response) {
        if (response.statusCode().is2xxSuccessful()) {
            return Mono.just(response);
        }
        int status = response.statusCode().value();
        return AtlasResponseSpooler.head(response, AtlasOrgSession.MAX_ERROR_BODY)
                .mapNotNull(AtlasClient::oauthErrorCode)
                .onErrorResume(e -> Mono.empty())
                .map(code -> new AtlasApiException(
                        status,
                        "OAUTH_" + code.toUpperCase(Locale.ROOT),
                        "POST " + AtlasOAuthFilter.TOKEN_PATH + " answered " + status + " " + code,
                        null,
                        null))
                .defaultIfEmpty(new AtlasApiException(
                        status,
                        "HTTP_" + status,
                        "POST " + AtlasOAuthFilter.TOKEN_PATH + " answered " + status,
                        null,
                        null))
                .flatMap(Mono::error);
    }

    private static @Nullable String oauthErrorCode(DataBuffer buffer) {
        try (InputStream in = buffer.asInputStream(true)) {
            String code = AtlasJson.MAPPER.readValue(in, OAuthError.class).error();
            return code != null && code.matches("[A-Za-z0-9_]{1,64}") ? code : null;
        } catch (Exception notAnOAuthError) {
            return null;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record OAuthError(@Nullable String error) {}

    /** What every session of this client shares. */
    record Shared(
            AtlasProperties properties,
            WebClient webClient,
            AtlasMetrics metrics,
            AtlasResponseSpooler spooler,
            AtlasInvoiceReader invoiceReader,
            AtlasCostExplorerReader costExplorerReader,
            Clock clock) {

        MediaType json(String version) {
            return atlasType(version, "json");
        }

        /** {@code application/vnd.atlas.{version}+{suffix}}, e.g. {@code +json} or {@code +csv}. */
        MediaType atlasType(String version, String suffix) {
            return MediaType.parseMediaType("application/vnd.atlas." + version + "+" + suffix);
        }
    }
}
