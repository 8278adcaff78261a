package dev.billingsync.config;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.JsonNodeFeature;

/**
 * The one JSON mapper of the service outside {@code atlas} is Boot's {@code JsonMapper}; this sets what every reader of
 * it needs: money and quantities stay exact decimals both ways. Floating-point JSON numbers read into a tree or an
 * untyped value become {@code BigDecimal} with their trailing zeros ({@code 0.50} stays {@code 0.50}), and decimals are
 * written plain, never in exponent form. The API's converter adds its own rules on top ({@code web}).
 */
@Configuration(proxyBeanMethods = false)
class JacksonConfiguration {

    @Bean
    JsonMapperBuilderCustomizer exactDecimals() {
        return builder -> builder.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN);
    }
}
