package dev.billingsync.web;

import jakarta.servlet.DispatcherType;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may call what. Every {@code /api/v1/**} call is authenticated, by an API key ({@code X-API-Key}, see
 * {@link ApiSecurityProperties}) or, when {@code spring.security.oauth2.resourceserver.jwt.*} is configured, by an
 * OAuth 2.0 bearer JWT whose audience (and issuer, when known) {@link JwtProperties} insists on: GETs need
 * {@code READ} / {@code billing:read}, POSTs {@code SYNC} / {@code billing:sync}. Which orgs a caller sees is checked
 * per request by controllers through {@link CallerAccess}.
 *
 * <p>Open without credentials: Actuator {@code health} (with its groups) and {@code prometheus}, for the cluster's
 * probes and scrapers, on whichever port Actuator runs (health shows its details, which name every org, only to a
 * caller holding {@link ApiRole#READ_ALL_ORGS}: see {@code management.endpoint.health} in application.yml); and the OpenAPI description with Swagger UI
 * ({@code /v3/api-docs/**}, {@code /swagger-ui.html}, {@code /swagger-ui/**}), which describe the API but serve no
 * data. Every other Actuator endpoint and every other path needs an authenticated caller. Stateless, no CSRF (no
 * cookies), no generated default user.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    static final String REALM = "billing-sync";

    @Bean
    ApiKeys apiKeys(ApiSecurityProperties properties) {
        return new ApiKeys(properties);
    }

    @Bean
    ApiSecurityErrors apiSecurityErrors(ApiErrorWriter writer, ObjectProvider<JwtDecoder> jwtDecoder) {
        List<String> challenges = new ArrayList<>(2);
        challenges.add("ApiKey realm=\"" + REALM + "\", header=\"" + ApiKeyAuthenticationFilter.HEADER + "\"");
        if (jwtDecoder.getIfAvailable() != null) {
            challenges.add("Bearer realm=\"" + REALM + "\"");
        }
        return new ApiSecurityErrors(writer, challenges);
    }

    @Bean
    CallerAccess callerAccess() {
        return new SecurityContextCallerAccess();
    }

    @Bean
    SecurityFilterChain apiSecurityFilterChain(
            HttpSecurity http,
            ApiKeys keys,
            JwtProperties jwtProperties,
            ApiSecurityErrors errors,
            ObjectProvider<JwtDecoder> jwtDecoder)
            throws Exception {
        JwtDecoder decoder = jwtDecoder.getIfAvailable();
        logAuthentication(keys, jwtProperties, decoder);
        http.authorizeHttpRequests(requests -> requests
                        // These dispatches continue a request that was authorized or refused already: the error page
                        // of a failed request, the second half of a streamed (CSV) response.
                        .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC)
                        .permitAll()
                        .requestMatchers(EndpointRequest.to("health", "prometheus"))
                        .permitAll()
                        .requestMatchers(EndpointRequest.toAdditionalPaths(WebServerNamespace.SERVER, "health"))
                        .permitAll()
                        .requestMatchers(EndpointRequest.toAnyEndpoint())
                        .authenticated()
                        .requestMatchers(
                                "/v3/api-docs",
                                "/v3/api-docs/**",
                                "/v3/api-docs.yaml",
                                "/swagger-ui.html",
                                "/swagger-ui/**")
                        .permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/v1/**")
                        .hasAnyAuthority(ApiRole.READ.authorities())
                        .requestMatchers(HttpMethod.HEAD, "/api/v1/**")
                        .hasAnyAuthority(ApiRole.READ.authorities())
                        .requestMatchers(HttpMethod.POST, "/api/v1/**")
                        .hasAnyAuthority(ApiRole.SYNC.authorities())
                        .anyRequest()
                        .authenticated())
                .addFilterBefore(new ApiKeyAuthenticationFilter(keys, errors), BearerTokenAuthenticationFilter.class)
                .exceptionHandling(exceptions ->
                        exceptions.authenticationEntryPoint(errors).accessDeniedHandler(errors))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .requestCache(cache -> cache.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable());
        if (decoder != null) {
            http.oauth2ResourceServer(resourceServer -> resourceServer
                    .jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(jwtAuthenticationConverter()))
                    .authenticationEntryPoint(errors)
                    .accessDeniedHandler(errors));
        }
        return http.build();
    }

    /** Scopes as {@code SCOPE_*} authorities, plus {@link ApiRole#READ_ALL_ORGS} for a reader of every org. */
    static JwtAuthenticationConverter jwtAuthenticationConverter() {
        JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(jwt -> {
            List<GrantedAuthority> authorities = new ArrayList<>(scopes.convert(jwt));
            boolean reads = authorities.stream()
                    .anyMatch(authority -> ApiRole.READ.scopeAuthority().equals(authority.getAuthority()));
            if (reads
                    && OrgScope.fromClaim(jwt.getClaims().get(SecurityContextCallerAccess.ORGS_CLAIM))
                            .all()) {
                authorities.add(new SimpleGrantedAuthority(ApiRole.READ_ALL_ORGS));
            }
            return authorities;
        });
        return converter;
    }

    /** Malformed requests the firewall rejects (encoded slashes, {@code ;}, NUL...) get a 400 Atlas body. */
    @Bean
    WebSecurityCustomizer rejectedRequestsAsApiErrors(ApiSecurityErrors errors) {
        return web -> web.requestRejectedHandler(errors);
    }

    private static void logAuthentication(ApiKeys keys, JwtProperties jwt, @Nullable JwtDecoder decoder) {
        if (keys.isEmpty() && decoder == null) {
            log.warn("No API clients are configured (billing.security.api-keys,"
                    + " spring.security.oauth2.resourceserver.jwt): every API call will be refused with 401");
            return;
        }
        log.info(
                "API authentication: {}; JWT bearer tokens {}",
                keys.isEmpty() ? "no API keys" : "API keys of " + keys.names(),
                decoder == null
                        ? "not configured"
                        : jwt.enabled()
                                ? "accepted for audiences " + jwt.audiences() + " from issuer "
                                        + (jwt.issuerUri() != null ? jwt.issuerUri() : "(any: public key only)")
                                : "accepted (a JwtDecoder bean)");
    }
}
