package dev.billingsync.costexplorer;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.LocalDate;
import org.jspecify.annotations.Nullable;

/** A monthly usage row as the API serves it; {@code usageAmount} keeps every digit Atlas sent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UsageResponse(
        String orgId,
        LocalDate usageDate,
        String groupBy,
        @Nullable String dimensionId,
        @Nullable String dimensionName,
        @Nullable String invoiceId,
        @Nullable String service,
        BigDecimal usageAmount) {}
