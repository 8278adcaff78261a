package dev.billingsync.web;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractJacksonHttpMessageConverter;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Applies {@code envelope} and {@code pretty} to every JSON body our controllers and our error handlers write; the
 * HTTP status stays the real one. Other bodies (CSV streams, strings) are left alone. JSON written while it is read
 * (full invoices) bypasses this advice and gets the same shapes from {@link StreamedJson}, through the same
 * {@link ResponseOptions}.
 */
@RestControllerAdvice(basePackages = "dev.billingsync")
class EnvelopeAdvice implements ResponseBodyAdvice<Object> {

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return AbstractJacksonHttpMessageConverter.class.isAssignableFrom(converterType);
    }

    @Override
    public @Nullable Object beforeBodyWrite(
            @Nullable Object body,
            MethodParameter returnType,
            MediaType contentType,
            Class<? extends HttpMessageConverter<?>> converterType,
            ServerHttpRequest request,
            ServerHttpResponse response) {
        if (body == null
                || !isJson(contentType)
                || !(request instanceof ServletServerHttpRequest servletRequest)
                || !(response instanceof ServletServerHttpResponse servletResponse)) {
            return body;
        }
        HttpServletRequest httpRequest = servletRequest.getServletRequest();
        ResponseOptions options = ResponseOptions.lenient(httpRequest);
        if (options.pretty()) {
            httpRequest.setAttribute(ResponseOptions.PRETTY_ATTRIBUTE, Boolean.TRUE);
        }
        return options.shape(body, servletResponse.getServletResponse().getStatus());
    }

    private static boolean isJson(MediaType contentType) {
        return MediaType.APPLICATION_JSON.isCompatibleWith(contentType)
                || (contentType.getSubtypeSuffix() != null
                        && contentType.getSubtypeSuffix().equals("json"));
    }
}
