package dev.billingsync.spend;

import io.swagger.v3.oas.annotations.Parameter;
import java.util.Collection;
import org.jspecify.annotations.Nullable;

/** The query string of the FOCUS export, bound as given; the controller checks it. */
record FocusFilter(
        @Parameter(description = "Month the billing periods start in (YYYY-MM)", required = true) @Nullable
        String billingPeriod,

        @Parameter(description = "Org to include (repeatable); default every org the caller may read") @Nullable
        Collection<String> orgId) {}
