package dev.billingsync.invoices;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.billingsync.orgs.Orgs;
import dev.billingsync.web.Page;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** Query parameters of the invoice endpoints bound into their filter records; queries mocked. */
@WebMvcTest(controllers = InvoiceController.class)
@TestPropertySource(
        properties = {
            "billing.security.api-keys[0].name=reader",
            "billing.security.api-keys[0].key=" + InvoiceControllerTests.READER,
            "billing.security.api-keys[0].roles=READ",
            "billing.security.api-keys[0].orgs=*",
            // Every test gives the same version of its mocked invoice: none may get another test's kept body.
            "billing.api.response-cache.max-size=0",
        })
class InvoiceControllerTests {

    static final String ORG = "5f0c1a2b3c4d5e6f7a8b9c01";
    static final String INVOICE = "6a0c1a2b3c4d5e6f7a8b9c01";
    static final String READER = "reader-key-0123456789";
    static final String LINE_ITEMS = "/api/v1/orgs/" + ORG + "/invoices/" + INVOICE + "/lineItems";

    @Autowired
    MockMvc mvc;

    @MockitoBean
    InvoiceQueries queries;

    @MockitoBean
    LineItemExports exports;

    @MockitoBean
    Orgs orgs;

    @MockitoBean
    InvoiceVersions versions;

    ResultActions read(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.header("X-API-Key", READER));
    }

    /** The invoice exists, at some version, without line items; reads run in the (mocked) snapshot. */
    void givenAnEmptyInvoice() {
        when(versions.ofLineItems(ORG, INVOICE)).thenReturn("1");
        when(queries.inSnapshot(any()))
                .thenAnswer(call -> call.<Supplier<?>>getArgument(0).get());
        when(queries.lineItems(eq(INVOICE), any(), any())).thenReturn(Page.empty());
    }

    @Test
    void ignoresANestedParameterUnderAFilterField() throws Exception {
        givenAnEmptyInvoice();
        read(get(LINE_ITEMS).param("groupId.x", "1"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.totalCount").value(0));
        verify(queries).lineItems(eq(INVOICE), eq(LineItemFilter.NONE), any());
    }

    @Test
    void ignoresAnUnknownParameter() throws Exception {
        givenAnEmptyInvoice();
        read(get(LINE_ITEMS).param("nosuch.deep[0].x", "1").param("class.name", "x"))
                .andExpect(status().isOk());
        verify(queries).lineItems(eq(INVOICE), eq(LineItemFilter.NONE), any());
    }

    @Test
    void bindsTheListFilterWithItsDefaultsAndIgnoresNestedParameters() throws Exception {
        when(queries.invoices(eq(ORG), any(), any())).thenReturn(Page.empty());
        read(get("/api/v1/orgs/" + ORG + "/invoices")
                        .param("statusNames", "PAID,PENDING")
                        .param("fromDate.x", "1")
                        .param("sortBy", ""))
                .andExpect(status().isOk());
        verify(queries)
                .invoices(
                        eq(ORG),
                        eq(new InvoiceFilter(
                                java.util.List.of("PAID", "PENDING"),
                                null,
                                null,
                                null,
                                InvoiceFilter.SortBy.END_DATE,
                                InvoiceFilter.Order.DESC)),
                        any());
    }

    @Test
    void anUnknownSortIs400ListingTheValuesInLowerCase() throws Exception {
        read(get("/api/v1/orgs/" + ORG + "/invoices").param("sortBy", "size"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.badRequestDetail.fields[0].field").value("sortBy"))
                .andExpect(jsonPath("$.badRequestDetail.fields[0].description")
                        .value("must be one of [start_date, end_date]"));
    }

    @Test
    void neverAnswers500ForIndexedOrNestedListParameters() throws Exception {
        when(queries.invoices(eq(ORG), any(), any())).thenReturn(Page.empty());
        for (String name : java.util.List.of("statusNames[0].x", "statusNames[1]", "statusNames[x]", "statusNames.x")) {
            read(get("/api/v1/orgs/" + ORG + "/invoices").param(name, "PAID"))
                    .andExpect(result -> org.assertj.core.api.Assertions.assertThat(
                                    result.getResponse().getStatus())
                            .as(name)
                            .isLessThan(500));
        }
    }
}
