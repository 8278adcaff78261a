package dev.billingsync.web;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.converter.ResolvedSchema;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;

/**
 * The OpenAPI description served at {@code /v3/api-docs} (Swagger UI at {@code /swagger-ui.html}): both ways to
 * authenticate as global security schemes, the Atlas {@code ApiError} body, and on every {@code /api/v1} operation
 * the {@code envelope} and {@code pretty} parameters and the standard error responses; list operations (those taking
 * a {@link PageRequest}) get {@code itemsPerPage}, {@code pageNum} and {@code includeCount}.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String API_KEY_SCHEME = "ApiKey";
    static final String BEARER_SCHEME = "BearerJwt";
    static final String API_ERROR = "ApiError";

    private static final String API_PREFIX = "/api/v1";

    /** The standard error responses of every API operation, as component names. */
    private static final Map<String, String> ERROR_RESPONSES = errorResponses();

    static {
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(PageRequest.class, CallerAccess.class);
    }

    @Bean
    OpenAPI billingSyncOpenApi(ObjectProvider<BuildProperties> build) {
        BuildProperties properties = build.getIfAvailable();
        Components components = new Components()
                .addSecuritySchemes(
                        API_KEY_SCHEME,
                        new SecurityScheme()
                                .type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER)
                                .name(ApiKeyAuthenticationFilter.HEADER)
                                .description("A static API key from billing.security.api-keys."))
                .addSecuritySchemes(
                        BEARER_SCHEME,
                        new SecurityScheme()
                                .type(SecurityScheme.Type.HTTP)
                                .scheme("bearer")
                                .bearerFormat("JWT")
                                .description("An OAuth 2.0 access token (JWT) with the scope billing:read and/or"
                                        + " billing:sync and an orgs claim listing the org ids it may see (or"
                                        + " \"*\")."));
        ResolvedSchema apiError =
                ModelConverters.getInstance().resolveAsResolvedSchema(new AnnotatedType(ApiError.class));
        if (apiError != null) {
            if (apiError.referencedSchemas != null) {
                apiError.referencedSchemas.forEach(components::addSchemas);
            }
            Schema<?> schema =
                    components.getSchemas() != null && components.getSchemas().containsKey(API_ERROR)
                            ? components.getSchemas().get(API_ERROR)
                            : apiError.schema;
            if (schema != null) {
                components.addSchemas(
                        API_ERROR,
                        schema.type("object")
                                .required(List.of("error", "errorCode", "reason", "detail", "parameters"))
                                .description(
                                        "An Atlas-style error (MongoDB IPA-114). badRequestDetail is present only on"
                                                + " validation errors."));
            }
        }
        ERROR_RESPONSES.forEach((status, name) -> components.addResponses(
                name,
                new ApiResponse()
                        .description(ApiError.reasonPhrase(Integer.parseInt(status)))
                        .content(new Content()
                                .addMediaType(
                                        org.springframework.http.MediaType.APPLICATION_JSON_VALUE,
                                        new MediaType()
                                                .schema(new Schema<>().$ref("#/components/schemas/" + API_ERROR))))));
        return new OpenAPI()
                .info(new Info()
                        .title("billing-sync API")
                        .description("MongoDB Atlas billing data (invoices, line items, Cost Explorer usage) kept in"
                                + " PostgreSQL for finance systems. Conventions follow MongoDB's API guidelines:"
                                + " pagination (IPA-110), Atlas error bodies (IPA-114), envelope (IPA-115).")
                        .version(properties != null ? properties.getVersion() : "v1"))
                .components(components)
                .addSecurityItem(new SecurityRequirement().addList(API_KEY_SCHEME))
                .addSecurityItem(new SecurityRequirement().addList(BEARER_SCHEME));
    }

    /** Paging parameters for operations taking a {@link PageRequest}; the pattern of {@link AtlasId} parameters. */
    @Bean
    OperationCustomizer apiConventionsOperationCustomizer() {
        return (operation, handlerMethod) -> {
            for (MethodParameter parameter : handlerMethod.getMethodParameters()) {
                if (parameter.getParameterType() == PageRequest.class) {
                    addQueryParameter(
                            operation,
                            PageRequestResolver.ITEMS_PER_PAGE,
                            "Items per page, 1 to " + PageRequest.MAX_ITEMS_PER_PAGE + "; absent or 0 means "
                                    + PageRequest.DEFAULT_ITEMS_PER_PAGE + ".",
                            new IntegerSchema()
                                    .minimum(BigDecimal.ZERO)
                                    .maximum(BigDecimal.valueOf(PageRequest.MAX_ITEMS_PER_PAGE))
                                    ._default(PageRequest.DEFAULT_ITEMS_PER_PAGE));
                    addQueryParameter(
                            operation,
                            PageRequestResolver.PAGE_NUM,
                            "1-based page number; absent or 0 means 1.",
                            new IntegerSchema().minimum(BigDecimal.ZERO)._default(1));
                    addQueryParameter(
                            operation,
                            PageRequestResolver.INCLUDE_COUNT,
                            "Whether the response carries totalCount.",
                            new BooleanSchema()._default(true));
                }
                if (parameter.hasParameterAnnotation(AtlasId.class) && operation.getParameters() != null) {
                    String name = RequestViolations.parameterName(parameter);
                    operation.getParameters().stream()
                            .filter(p -> name.equals(p.getName()) && p.getSchema() != null)
                            .forEach(p -> p.getSchema().pattern(AtlasId.REGEXP));
                }
            }
            return operation;
        };
    }

    /** {@code envelope}, {@code pretty} and the standard error responses on every {@code /api/v1} operation. */
    @Bean
    OpenApiCustomizer apiConventionsOpenApiCustomizer() {
        return openApi -> {
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().forEach((path, item) -> {
                if (!path.startsWith(API_PREFIX)) {
                    return;
                }
                for (Operation operation : item.readOperations()) {
                    addQueryParameter(
                            operation,
                            ResponseOptions.ENVELOPE,
                            "Wrap the response: {\"status\": <HTTP status>, \"content\": <body>}; a list gains a"
                                    + " status field instead. The HTTP status stays the real one.",
                            new BooleanSchema()._default(false));
                    addQueryParameter(
                            operation,
                            ResponseOptions.PRETTY,
                            "Indent the JSON response.",
                            new BooleanSchema()._default(false));
                    ApiResponses responses =
                            operation.getResponses() != null ? operation.getResponses() : new ApiResponses();
                    ERROR_RESPONSES.forEach((status, name) -> {
                        if (!responses.containsKey(status)) {
                            responses.addApiResponse(status, new ApiResponse().$ref("#/components/responses/" + name));
                        }
                    });
                    operation.setResponses(responses);
                }
            });
        };
    }

    private static void addQueryParameter(Operation operation, String name, String description, Schema<?> schema) {
        List<Parameter> parameters = operation.getParameters() != null ? operation.getParameters() : new ArrayList<>();
        boolean present = parameters.stream().anyMatch(p -> name.equals(p.getName()) && "query".equals(p.getIn()));
        if (!present) {
            parameters = new ArrayList<>(parameters);
            parameters.add(new Parameter()
                    .in("query")
                    .name(name)
                    .required(false)
                    .description(description)
                    .schema(schema));
            operation.setParameters(parameters);
        }
    }

    private static Map<String, String> errorResponses() {
        Map<String, String> responses = new LinkedHashMap<>();
        responses.put("400", "BadRequest");
        responses.put("401", "Unauthorized");
        responses.put("403", "Forbidden");
        responses.put("404", "NotFound");
        responses.put("500", "InternalServerError");
        return Collections.unmodifiableMap(responses);
    }
}
