package dev.billingsync.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.boot.servlet.filter.OrderedFormContentFilter;
import org.springframework.http.converter.HttpMessageNotReadableException;

/**
 * Spring Boot's filter that reads form bodies of PUT, PATCH and DELETE requests, answering a body it cannot decode
 * ({@code a=%zz}) with a 400 Atlas error. Boot's own lets the exception escape to the servlet container, which logs
 * it as an error and answers 500.
 */
final class ApiFormContentFilter extends OrderedFormContentFilter {

    static final String UNREADABLE_FORM_DETAIL = "The form body cannot be decoded.";

    private final ApiErrorWriter writer;

    ApiFormContentFilter(ApiErrorWriter writer) {
        this.writer = writer;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            super.doFilterInternal(request, response, chain);
        } catch (HttpMessageNotReadableException e) {
            // Spring MVC answers its own unreadable bodies; one reaching here is the form this filter parses.
            if (response.isCommitted()) {
                throw e;
            }
            writer.write(
                    request, response, ApiError.of(400, ApiError.INVALID_REQUEST, UNREADABLE_FORM_DETAIL, List.of()));
        }
    }
}
