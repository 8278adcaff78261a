package dev.billingsync.web;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Profile;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * A controller written the way the real ones are, to exercise the conventions of this module. Active only under the
 * {@code web-test} profile, so that a local run, which scans the test classes too, does not serve it.
 */
@RestController
@Profile(WebTestController.PROFILE)
@RequestMapping("/api/v1/test")
class WebTestController {

    static final String PROFILE = "web-test";
    static final int ITEM_COUNT = 250;

    enum Status {
        PENDING,
        PAID
    }

    record Sample(
            String id,
            @Nullable String name,
            BigDecimal amount,
            Instant createdAt,
            @Nullable Long missing) {}

    record Item(int number, String orgId) {}

    record SyncCommand(
            @NotBlank String reason,
            @NotNull @Min(1) @Max(10) Integer priority) {}

    private final CallerAccess access;

    WebTestController(CallerAccess access) {
        this.access = access;
    }

    @GetMapping("/orgs/{orgId}")
    Sample org(@PathVariable @AtlasId String orgId) {
        access.requireRead(orgId);
        return new Sample(orgId, null, new BigDecimal("0.50"), Instant.parse("2024-03-01T12:00:00Z"), null);
    }

    @GetMapping("/orgs/{orgId}/decimals")
    Map<String, BigDecimal> decimals(@PathVariable @AtlasId String orgId) {
        access.requireRead(orgId);
        return Map.of(
                "tiny", new BigDecimal("0.00000010"), "big", new BigDecimal("1E+3"), "half", new BigDecimal("0.50"));
    }

    @GetMapping("/orgs/{orgId}/items")
    PageResponse<Item> items(
            @PathVariable @AtlasId String orgId,
            PageRequest page,
            @RequestParam(required = false) @Nullable Status status,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) @Nullable LocalDate fromDate,
            @RequestParam(required = false) @Nullable Instant since,
            @RequestParam(required = false) @Nullable List<@AtlasId String> groupIds) {
        access.requireRead(orgId);
        List<Item> all = IntStream.rangeClosed(1, ITEM_COUNT)
                .mapToObj(n -> new Item(n, orgId))
                .toList();
        return PageResponse.of(page, Page.of(all, page));
    }

    @GetMapping("/plainDate")
    Map<String, String> plainDate(@RequestParam LocalDate date) {
        return Map.of("date", date.toString());
    }

    @GetMapping("/number")
    Map<String, Integer> number(
            @RequestParam int value, @RequestParam(required = false) @Min(0) @Nullable Integer limit) {
        return Map.of("value", value);
    }

    @GetMapping("/visible")
    Map<String, Object> visible(@RequestParam(required = false) @Nullable List<String> orgIds) {
        return Map.of("visible", access.visible(orgIds), "all", access.seesAllOrgs());
    }

    @PostMapping("/orgs/{orgId}/syncs")
    ResponseEntity<Map<String, Object>> sync(
            @PathVariable @AtlasId String orgId, @RequestBody(required = false) @Valid @Nullable SyncCommand command) {
        access.requireSync(orgId);
        return ResponseEntity.accepted()
                .location(URI.create("/api/v1/test/syncs/1"))
                .body(Map.of("id", 1, "orgId", orgId, "status", "RUNNING"));
    }

    @GetMapping(
            value = "/orgs/{orgId}/export",
            produces = {"application/json", "text/csv"})
    ResponseEntity<StreamingResponseBody> export(@PathVariable @AtlasId String orgId) {
        access.requireRead(orgId);
        StreamingResponseBody csv =
                out -> out.write("number,orgId\n1,%s\n".formatted(orgId).getBytes(StandardCharsets.UTF_8));
        return ResponseEntity.ok()
                .contentType(org.springframework.http.MediaType.parseMediaType("text/csv"))
                .body(csv);
    }

    @GetMapping("/missing")
    Sample missing() {
        throw ApiException.notFound(
                "INVOICE_NOT_FOUND", "No invoice 65f0c1a2b3c4d5e6f7a8b9c0 in this org.", "65f0c1a2b3c4d5e6f7a8b9c0");
    }

    @GetMapping("/busy")
    Sample busy() {
        throw ApiException.of(
                        HttpStatus.SERVICE_UNAVAILABLE, "SYNC_CAPACITY_EXHAUSTED", "No capacity to start a sync now.")
                .withRetryAfter(Duration.ofMillis(1500));
    }

    @GetMapping("/conflict")
    Sample conflict() {
        throw ApiException.conflict("SYNC_ALREADY_RUNNING", "A sync of this org is running.", 42L);
    }

    @GetMapping("/dates")
    Sample dates(@RequestParam LocalDate fromDate, @RequestParam LocalDate toDate) {
        if (toDate.isBefore(fromDate)) {
            throw ApiException.invalidParameter("toDate", "must not be before fromDate");
        }
        return new Sample("x", "y", BigDecimal.ONE, Instant.EPOCH, 1L);
    }

    @GetMapping("/boom")
    Sample boom() {
        throw new IllegalStateException(
                "ERROR: relation secret_table does not exist; SELECT * FROM secret_table WHERE password='hunter2'");
    }

    @GetMapping(value = "/text", produces = "text/plain")
    String text() {
        return "plain";
    }

    @GetMapping("/created")
    @ResponseStatus(HttpStatus.CREATED)
    Set<String> created() {
        return Set.of("a");
    }
}
