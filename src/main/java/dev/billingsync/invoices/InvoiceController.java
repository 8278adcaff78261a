package dev.billingsync.invoices;

import dev.billingsync.orgs.Orgs;
import dev.billingsync.web.ApiException;
import dev.billingsync.web.AtlasId;
import dev.billingsync.web.Link;
import dev.billingsync.web.Page;
import dev.billingsync.web.PageRequest;
import dev.billingsync.web.PageResponse;
import dev.billingsync.web.StreamedJson;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** Invoices of an org, read from PostgreSQL in the shapes Atlas uses. */
@RestController
@RequestMapping("/api/v1/orgs/{orgId}/invoices")
@Tag(name = "Invoices", description = "Atlas invoices of an organization, as last synced")
class InvoiceController {

    static final String TEXT_CSV = "text/csv";

    private final InvoiceQueries queries;
    private final Orgs orgs;
    private final StreamedJson json;
    private final LineItemExports exports;
    private final InvoiceVersions versions;

    InvoiceController(
            InvoiceQueries queries, Orgs orgs, StreamedJson json, LineItemExports exports, InvoiceVersions versions) {
        this.queries = queries;
        this.versions = versions;
        this.orgs = orgs;
        this.json = json;
        this.exports = exports;
    }

    @GetMapping("/pending")
    @Operation(summary = "The org's pending invoices, complete (Atlas PaginatedApiInvoiceView)")
    @ApiResponse(
            responseCode = "200",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = PendingInvoicePage.class)))
    void pending(@PathVariable @AtlasId String orgId, PageRequest page, HttpServletResponse response) {
        orgs.requireReadable(orgId);
        sendKeptOrWrite(response, () -> pendingVersionOf(orgId), version -> {
            Page<String> ids = Page.of(queries.pendingInvoiceIds(orgId), page);
            json.page(
                    response,
                    page,
                    ids,
                    version,
                    generator -> ids.results()
                            .forEach(id -> queries.writeInvoice(generator, orgId, id, InvoiceController::selfLinks)));
        });
    }

    @GetMapping
    @Operation(summary = "Invoice metadata of the org (Atlas BillingInvoiceMetadata plus our pending flag)")
    PageResponse<InvoiceMetadataResponse> list(
            @PathVariable @AtlasId String orgId, @ParameterObject InvoiceListFilter parameters, PageRequest page) {
        requireOrg(orgId);
        checkRange(parameters.fromDate(), parameters.toDate());
        InvoiceFilter filter = parameters.toFilter();
        return PageResponse.of(page, queries.invoices(orgId, filter, page));
    }

    @GetMapping("/{invoiceId}")
    @Operation(summary = "One invoice, complete (Atlas BillingInvoice)")
    @ApiResponse(
            responseCode = "200",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = InvoiceResponse.class)))
    void one(
            @PathVariable @AtlasId String orgId,
            @PathVariable @AtlasId String invoiceId,
            HttpServletResponse response) {
        orgs.requireReadable(orgId);
        sendKeptOrWrite(
                response,
                () -> versionOf(orgId, invoiceId),
                version -> json.resource(
                        response,
                        version,
                        generator -> queries.writeInvoice(generator, orgId, invoiceId, InvoiceController::selfLinks)));
    }

    @GetMapping(value = "/{invoiceId}/lineItems", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Line items of an invoice, in upstream order; Accept: text/csv streams all matching rows")
    @ApiResponse(
            responseCode = "200",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = LineItemPage.class)))
    void lineItems(
            @PathVariable @AtlasId String orgId,
            @PathVariable @AtlasId String invoiceId,
            @Valid @ParameterObject LineItemFilter filter,
            PageRequest page,
            HttpServletResponse response) {
        checkLineItemRequest(orgId, filter);
        sendKeptOrWrite(response, () -> lineItemsVersionOf(orgId, invoiceId), version -> {
            Page<InvoiceLineItem> items = queries.lineItems(invoiceId, filter, page);
            json.page(
                    response, page, items, version, generator -> items.results().forEach(generator::writePOJO));
        });
    }

    @GetMapping(value = "/{invoiceId}/lineItems", produces = TEXT_CSV)
    @Operation(hidden = true)
    ResponseEntity<StreamingResponseBody> lineItemsCsv(
            @PathVariable @AtlasId String orgId,
            @PathVariable @AtlasId String invoiceId,
            @Valid @ParameterObject LineItemFilter filter) {
        checkLineItemRequest(orgId, filter);
        lineItemsVersionOf(orgId, invoiceId); // the 404s of the JSON page, for one statement
        StreamingResponseBody body = exports.csv(invoiceId, filter);
        return ResponseEntity.ok()
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        "attachment; filename=\"invoice-" + invoiceId + "-line-items.csv\"")
                .body(body);
    }

    /** Like Atlas, an invoice names its own URL (here, in this API). */
    private static List<Link> selfLinks(String orgId, String invoiceId) {
        String self = ServletUriComponentsBuilder.fromCurrentContextPath()
                .path("/api/v1/orgs/{orgId}/invoices/{invoiceId}")
                .buildAndExpand(orgId, invoiceId)
                .toUriString();
        return List.of(new Link(self, "self"));
    }

    /** The documented shape of the streamed pending list. */
    record PendingInvoicePage(
            List<Link> links,
            List<InvoiceResponse> results,
            @Nullable Long totalCount) {}

    /** The documented shape of a streamed page of line items. */
    record LineItemPage(
            List<Link> links,
            List<InvoiceLineItem> results,
            @Nullable Long totalCount) {}

    /**
     * Sends the body kept for the current {@code version} of what the request shows, if there is one; otherwise reads
     * the version again inside one snapshot and has {@code write} write the body from that snapshot, under that
     * version. The version is read twice so that the body sent from memory costs one statement, outside any
     * transaction, while a body written is always the version it is kept under.
     */
    private void sendKeptOrWrite(HttpServletResponse response, Supplier<String> version, Consumer<String> write) {
        if (json.sendKept(response, version.get())) {
            return;
        }
        queries.inSnapshot(() -> {
            write.accept(version.get());
            return null;
        });
    }

    /**
     * The version of the org's invoice and the linked invoices it nests, which a body written from them is kept under
     * ({@link StreamedJson#sendKept}); a 404 when the org is not known here or has no such invoice. The invoice found
     * means the org is known: the org's own check costs a statement only when it is not.
     */
    private String versionOf(String orgId, String invoiceId) {
        return found(orgId, invoiceId, versions.ofInvoice(orgId, invoiceId));
    }

    /** As {@link #versionOf}, for the invoice's line items alone. */
    private String lineItemsVersionOf(String orgId, String invoiceId) {
        return found(orgId, invoiceId, versions.ofLineItems(orgId, invoiceId));
    }

    private String found(String orgId, String invoiceId, String version) {
        if (version.isEmpty()) {
            requireOrg(orgId);
            throw invoiceNotFound(orgId, invoiceId);
        }
        return version;
    }

    /**
     * The version of the org's pending invoices (see {@link #versionOf}); a 404 when the org is not known here. An
     * invoice found means the org is known, so only an org without pending invoices costs a second statement.
     */
    private String pendingVersionOf(String orgId) {
        String version = versions.ofPending(orgId);
        if (version.isEmpty()) {
            requireOrg(orgId);
        }
        return version;
    }

    private void checkLineItemRequest(String orgId, LineItemFilter filter) {
        orgs.requireReadable(orgId);
        checkRange(filter.fromDate(), filter.toDate());
    }

    private void requireOrg(String orgId) {
        orgs.requireVisible(orgId);
    }

    private static void checkRange(@Nullable LocalDate fromDate, @Nullable LocalDate toDate) {
        if (fromDate != null && toDate != null && fromDate.isAfter(toDate)) {
            throw ApiException.invalidParameter("fromDate", "must not be after toDate (" + toDate + ")");
        }
    }

    private static ApiException invoiceNotFound(String orgId, String invoiceId) {
        return ApiException.notFound(
                "INVOICE_NOT_FOUND", "No invoice with ID " + invoiceId + " in organization " + orgId + ".", invoiceId);
    }
}
