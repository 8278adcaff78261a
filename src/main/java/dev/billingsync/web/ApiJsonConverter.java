package dev.billingsync.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON converter of the API. Its mapper derives from Boot's, with the API's rules on top: fields that are
 * {@code null} are left out (a field absent upstream stays absent), decimals are written exactly as stored
 * ({@code 0.50} stays {@code 0.50}, never {@code 5.0E-1}), instants as ISO-8601 UTC strings. It indents a body when
 * the request asked for {@code pretty=true}.
 */
class ApiJsonConverter extends JacksonJsonHttpMessageConverter {

    ApiJsonConverter(JsonMapper base) {
        super(apiMapper(base));
    }

    static JsonMapper apiMapper(JsonMapper base) {
        return base.rebuild()
                .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
                .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build();
    }

    @Override
    protected ObjectWriter customizeWriter(
            ObjectWriter writer, @Nullable JavaType javaType, @Nullable MediaType contentType) {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null
                && Boolean.TRUE.equals(
                        request.getAttribute(ResponseOptions.PRETTY_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST))) {
            return writer.withDefaultPrettyPrinter();
        }
        return writer;
    }
}
