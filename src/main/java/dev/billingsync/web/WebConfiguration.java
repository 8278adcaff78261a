package dev.billingsync.web;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.format.FormatterRegistry;
import org.springframework.format.datetime.standard.DateTimeFormatterRegistrar;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API conventions wired into Spring MVC: JSON rules, {@code envelope}/{@code pretty}, paging, ISO-8601 dates in
 * query parameters, security. Being a {@link WebMvcConfigurer}, it is also part of every {@code @WebMvcTest} slice, so
 * controller tests in other modules see the same errors, envelope and security as production.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ApiSecurityProperties.class, JwtProperties.class, ApiProperties.class})
@Import({SecurityConfiguration.class, OpenApiConfiguration.class})
class WebConfiguration implements WebMvcConfigurer {

    private final ApiJsonConverter json;

    WebConfiguration(JsonMapper jsonMapper) {
        this.json = new ApiJsonConverter(jsonMapper);
    }

    @Bean
    ApiErrorWriter apiErrorWriter() {
        return new ApiErrorWriter(json.getMapper());
    }

    @Bean
    StreamedJson streamedJson(ApiProperties properties, ObjectProvider<MeterRegistry> meters) {
        return new StreamedJson(json.getMapper(), new KeptBodies(properties.responseCache(), meters.getIfAvailable()));
    }

    @Bean
    ExportPermits exportPermits(ApiProperties properties) {
        ExportPermits permits = new ExportPermits(properties.exports());
        permits.sweepOrphans();
        return permits;
    }

    @Bean
    CommittedResponseResolver committedResponseResolver() {
        return new CommittedResponseResolver();
    }

    /** Replaces Boot's form filter (Boot backs off when one is defined). */
    @Bean
    ApiFormContentFilter apiFormContentFilter(ApiErrorWriter writer) {
        return new ApiFormContentFilter(writer);
    }

    /**
     * The API's converter takes the JSON slot of the list, after the byte array and string converters; a converter
     * bean would instead be put first, and would then write {@code String} and {@code byte[]} bodies as JSON.
     */
    @Override
    public void configureMessageConverters(HttpMessageConverters.ServerBuilder builder) {
        builder.withJsonConverter(json);
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new PageRequestResolver());
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
                    @Override
                    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                        ResponseOptions.strict(request);
                        return true;
                    }
                })
                .addPathPatterns("/api/**");
    }

    /** Dates, date-times and instants in query parameters are ISO-8601, like every date the API writes. */
    @Override
    public void addFormatters(FormatterRegistry registry) {
        DateTimeFormatterRegistrar iso = new DateTimeFormatterRegistrar();
        iso.setUseIsoFormat(true);
        iso.registerFormatters(registry);
    }

    /** Tomcat answers some malformed requests itself; its answers are Atlas errors too. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(
            name = {
                "org.apache.catalina.valves.ErrorReportValve",
                "org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory"
            })
    static class TomcatErrorReports {

        @Bean
        ApiErrorReportValve.Installer apiErrorReportValve(ApiErrorWriter writer) {
            return new ApiErrorReportValve.Installer(writer.mapper());
        }
    }
}
