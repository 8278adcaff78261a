package dev.billingsync.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a request carrying an {@code X-API-Key} header. A key that matches no configured client ends the
 * request with a 401; a request without the header passes on unauthenticated (to the bearer token filter, or to the
 * 401 of the entry point).
 */
final class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    static final String HEADER = "X-API-Key";

    private static final Logger log = LoggerFactory.getLogger(ApiKeyAuthenticationFilter.class);

    private final ApiKeys keys;
    private final AuthenticationEntryPoint entryPoint;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();
    private final SecurityContextRepository repository = new RequestAttributeSecurityContextRepository();

    ApiKeyAuthenticationFilter(ApiKeys keys, AuthenticationEntryPoint entryPoint) {
        this.keys = keys;
        this.entryPoint = entryPoint;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String presented = request.getHeader(HEADER);
        if (presented == null) {
            chain.doFilter(request, response);
            return;
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
            reject(request, response, ApiSecurityErrors.TWO_CREDENTIALS_DETAIL);
            return;
        }
        Optional<ApiKeys.ApiClient> client = keys.authenticate(presented);
        if (client.isEmpty()) {
            log.debug("Refused an unknown API key on {} {}", request.getMethod(), request.getRequestURI());
            reject(request, response, ApiSecurityErrors.INVALID_API_KEY_DETAIL);
            return;
        }
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(new ApiKeyAuthentication(client.get()));
        contexts.setContext(context);
        // This filter runs once per request; the async dispatch of a streamed body finds the caller here.
        repository.saveContext(context, request, response);
        chain.doFilter(request, response);
    }

    private void reject(HttpServletRequest request, HttpServletResponse response, String detail)
            throws IOException, ServletException {
        contexts.clearContext();
        entryPoint.commence(request, response, new ApiKeyRejectedException(detail));
    }

    /** A presented API key (or pair of credentials) that does not authenticate anyone; the message is for clients. */
    static final class ApiKeyRejectedException extends AuthenticationException {

        ApiKeyRejectedException(String detail) {
            super(detail);
        }
    }
}
