package dev.billingsync.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * The API's answers to requests Spring Security stops: 401 with {@code WWW-Authenticate} for missing or bad
 * credentials, 403 for a caller without the role or scope, 400 for a request the firewall rejects. All are Atlas
 * error bodies; none says why a key or token was refused beyond "not valid".
 */
final class ApiSecurityErrors implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

    static final String INVALID_API_KEY_DETAIL = "The API key is not valid.";
    static final String INVALID_TOKEN_DETAIL = "The bearer token is not valid.";
    static final String TWO_CREDENTIALS_DETAIL = "Send either an X-API-Key header or a bearer token, not both.";

    private static final Logger log = LoggerFactory.getLogger(ApiSecurityErrors.class);

    private final ApiErrorWriter writer;
    private final List<String> challenges;

    /** @param challenges the {@code WWW-Authenticate} values, one per enabled way to authenticate */
    ApiSecurityErrors(ApiErrorWriter writer, List<String> challenges) {
        this.writer = writer;
        this.challenges = List.copyOf(challenges);
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        String detail;
        if (failure instanceof ApiKeyAuthenticationFilter.ApiKeyRejectedException rejected) {
            detail = rejected.getMessage();
        } else if (failure instanceof OAuth2AuthenticationException) {
            detail = INVALID_TOKEN_DETAIL;
        } else {
            detail = ApiError.MISSING_CREDENTIALS_DETAIL;
        }
        for (String challenge : challenges) {
            String value = failure instanceof OAuth2AuthenticationException && challenge.startsWith("Bearer")
                    ? challenge + ", error=\"invalid_token\""
                    : challenge;
            response.addHeader(HttpHeaders.WWW_AUTHENTICATE, value);
        }
        writer.write(request, response, ApiError.unauthorized(detail));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        writer.write(request, response, ApiError.forbidden());
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException rejected)
            throws IOException {
        log.debug("Rejected a malformed request: {}", rejected.getMessage());
        writer.write(request, response, ApiError.rejected());
    }
}
