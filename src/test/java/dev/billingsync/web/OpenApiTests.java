package dev.billingsync.web;

import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springdoc.core.configuration.SpringDocConfiguration;
import org.springdoc.core.properties.SpringDocConfigProperties;
import org.springdoc.core.properties.SwaggerUiConfigProperties;
import org.springdoc.core.properties.SwaggerUiOAuthProperties;
import org.springdoc.webmvc.core.configuration.SpringDocWebMvcConfiguration;
import org.springdoc.webmvc.ui.SwaggerConfig;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.test.web.servlet.MockMvc;

/** The OpenAPI description: open to everyone, with the API's conventions on every operation. */
@ApiSliceTest
@ImportAutoConfiguration({
    SpringDocConfiguration.class,
    SpringDocConfigProperties.class,
    SpringDocWebMvcConfiguration.class,
    SwaggerConfig.class,
    SwaggerUiConfigProperties.class,
    SwaggerUiOAuthProperties.class
})
class OpenApiTests {

    static final String ITEMS = "$.paths['/api/v1/test/orgs/{orgId}/items'].get";
    static final String ORG = "$.paths['/api/v1/test/orgs/{orgId}'].get";

    @Autowired
    MockMvc mvc;

    @Test
    void describesTheApiWithoutCredentials() throws Exception {
        mvc.perform(get("/v3/api-docs"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.info.title").value("billing-sync API"))
                .andExpect(jsonPath("$.components.securitySchemes.ApiKey.type").value("apiKey"))
                .andExpect(jsonPath("$.components.securitySchemes.ApiKey.in").value("header"))
                .andExpect(jsonPath("$.components.securitySchemes.ApiKey.name").value("X-API-Key"))
                .andExpect(jsonPath("$.components.securitySchemes.BearerJwt.scheme")
                        .value("bearer"))
                .andExpect(jsonPath("$.components.securitySchemes.BearerJwt.bearerFormat")
                        .value("JWT"))
                .andExpect(jsonPath("$.security[*]..ApiKey").exists())
                .andExpect(jsonPath("$.security[*]..BearerJwt").exists());
    }

    @Test
    void describesTheAtlasErrorBody() throws Exception {
        mvc.perform(get("/v3/api-docs"))
                .andExpect(jsonPath("$.components.schemas.ApiError.properties.error.type")
                        .value("integer"))
                .andExpect(jsonPath("$.components.schemas.ApiError.properties.errorCode.type")
                        .value("string"))
                .andExpect(jsonPath("$.components.schemas.ApiError.properties.badRequestDetail")
                        .exists())
                .andExpect(jsonPath("$.components.responses.NotFound.content['application/json'].schema.$ref")
                        .value("#/components/schemas/ApiError"));
    }

    @Test
    void addsEnvelopePrettyAndErrorResponsesToEveryOperation() throws Exception {
        mvc.perform(get("/v3/api-docs"))
                .andExpect(jsonPath(ORG + ".parameters[*].name", containsInAnyOrder("orgId", "envelope", "pretty")))
                .andExpect(jsonPath(ORG + ".parameters[?(@.name == 'envelope')].schema.default", hasItem(false)))
                .andExpect(jsonPath(ORG + ".responses['400'].$ref").value("#/components/responses/BadRequest"))
                .andExpect(jsonPath(ORG + ".responses['401'].$ref").value("#/components/responses/Unauthorized"))
                .andExpect(jsonPath(ORG + ".responses['403'].$ref").value("#/components/responses/Forbidden"))
                .andExpect(jsonPath(ORG + ".responses['404'].$ref").value("#/components/responses/NotFound"))
                .andExpect(jsonPath(ORG + ".responses['500'].$ref").value("#/components/responses/InternalServerError"))
                .andExpect(jsonPath(ORG + ".responses['200']").exists())
                .andExpect(jsonPath(
                        "$.paths['/api/v1/test/orgs/{orgId}/syncs'].post.parameters[*].name",
                        hasItems("envelope", "pretty")));
    }

    @Test
    void describesPagingParametersInsteadOfThePageRequestObject() throws Exception {
        mvc.perform(get("/v3/api-docs"))
                .andExpect(jsonPath(ITEMS + ".parameters[*].name", hasItems("itemsPerPage", "pageNum", "includeCount")))
                .andExpect(jsonPath(ITEMS + ".parameters[*].name", not(hasItem("page"))))
                .andExpect(jsonPath(ITEMS + ".parameters[?(@.name == 'itemsPerPage')].schema.maximum", hasItem(500)))
                .andExpect(jsonPath(ITEMS + ".parameters[?(@.name == 'itemsPerPage')].schema.default", hasItem(100)))
                .andExpect(jsonPath(ITEMS + ".parameters[?(@.name == 'includeCount')].schema.default", hasItem(true)))
                .andExpect(jsonPath(ORG + ".parameters[*].name", not(hasItem("itemsPerPage"))));
    }

    @Test
    void documentsTheAtlasIdPattern() throws Exception {
        mvc.perform(get("/v3/api-docs"))
                .andExpect(jsonPath(ORG + ".parameters[?(@.name == 'orgId')].schema.pattern", hasItem(AtlasId.REGEXP)));
    }

    @Test
    void leavesTheErrorPageOut() throws Exception {
        mvc.perform(get("/v3/api-docs")).andExpect(jsonPath("$.paths['/error']").doesNotExist());
    }

    @Test
    void servesSwaggerUiWithoutCredentials() throws Exception {
        mvc.perform(get("/swagger-ui.html")).andExpect(status().is3xxRedirection());
        mvc.perform(get("/v3/api-docs/swagger-config")).andExpect(status().isOk());
    }
}
