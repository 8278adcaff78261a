package dev.billingsync.spend;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.json.JsonMapper;

class FocusRowTests {

    /** Boot's mapper as config sets it, for what the JSON cells need. */
    static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    static final Instant PERIOD = Instant.parse("2026-03-01T00:00:00Z");
    static final Instant PERIOD_END = Instant.parse("2026-04-01T00:00:00Z");

    static FocusLine line(String sku, long cents, String rate, String currency) {
        return new FocusLine(
                "8c0c1a2b3c4d5e6f7a8b9c01",
                "Acme",
                "9c0c1a2b3c4d5e6f7a8b9c01",
                PERIOD,
                PERIOD_END,
                currency,
                rate,
                sku,
                Instant.parse("2026-03-02T00:00:00Z"),
                Instant.parse("2026-03-03T00:00:00Z"),
                Instant.parse("2026-03-03T01:02:03.456Z"),
                new BigDecimal("72"),
                "server hours",
                new BigDecimal("0.08"),
                cents,
                new BigDecimal("10"),
                null,
                null,
                "6a0c1a2b3c4d5e6f7a8b9c01",
                "Billing Prod",
                "orders-prod",
                null,
                new TreeMap<>(Map.of("team", List.of("finance", "billing"), "flag", List.of())));
    }

    @Test
    void mapsAUsageLineAsMongoDbDocumentsIt() {
        Map<String, String> row = FocusRow.of(line("ATLAS_AWS_INSTANCE_M10", 576, null, null), JSON);

        assertThat(row.keySet()).containsExactlyInAnyOrderElementsOf(FocusRow.HEADER);
        assertThat(row.get("ChargeCategory")).isEqualTo("Usage");
        assertThat(row.get("ChargeFrequency")).isEqualTo("Usage-Based");
        assertThat(row.get("BilledCost")).isEqualTo("5.76");
        assertThat(row.get("EffectiveCost")).isEqualTo("5.76");
        assertThat(row.get("PricingCurrencyEffectiveCost")).isEqualTo("5.76");
        assertThat(row.get("BillingCurrency")).isEqualTo("USD");
        assertThat(row.get("PricingCurrency")).isEqualTo("USD");
        assertThat(row.get("x_PricingCurrencyRate")).isEqualTo("1.0");
        assertThat(row.get("ListUnitPrice")).isEqualTo("0.08");
        assertThat(row.get("ListCost")).isEqualTo("5.76");
        assertThat(new BigDecimal(row.get("ContractedUnitPrice"))).isEqualByComparingTo("0.072");
        assertThat(new BigDecimal(row.get("ContractedCost"))).isEqualByComparingTo("5.184");
        assertThat(row.get("HostProviderName")).isEqualTo("AWS"); // from the SKU infix: no cloudProvider
        assertThat(row.get("SkuId")).isEqualTo("ATLAS_AWS_INSTANCE_M10");
        assertThat(row.get("SkuPriceId")).isEqualTo("ATLAS_AWS_INSTANCE_M10");
        assertThat(row.get("ConsumedQuantity")).isEqualTo("72.0");
        assertThat(row.get("PricingUnit")).isEqualTo("server hours");
        assertThat(row.get("ResourceId")).isEqualTo("6a0c1a2b3c4d5e6f7a8b9c01/orders-prod");
        assertThat(row.get("ResourceName")).isEqualTo("orders-prod");
        assertThat(row.get("ResourceType")).isEqualTo("Cluster");
        assertThat(row.get("SubAccountId")).isEqualTo("6a0c1a2b3c4d5e6f7a8b9c01");
        assertThat(row.get("SubAccountName")).isEqualTo("Billing Prod");
        assertThat(row.get("ChargePeriodStart")).isEqualTo("2026-03-02T00:00:00Z");
        assertThat(row.get("BillingPeriodEnd")).isEqualTo("2026-04-01T00:00:00Z");
        assertThat(row.get("x_BilledDateEnd")).isEqualTo("2026-03-03T01:02:03Z");
        assertThat(row.get("x_SkuCategory")).isEqualTo("Clusters");
        assertThat(row.get("Tags")).isEqualTo("{\"flag\":true,\"team\":\"billing,finance\"}");
        assertThat(row.get("ServiceCategory")).isEqualTo("Databases");
        assertThat(row.get("ChargeClass")).isNull();
        assertThat(row.get("RegionId")).isNull();
    }

    @Test
    void convertsCreditUnitsAtThePaymentRateExactly() {
        Map<String, String> row = FocusRow.of(line("ATLAS_AWS_INSTANCE_M10", 576, "0.9500", "EUR"), JSON);

        assertThat(row.get("PricingCurrencyEffectiveCost")).isEqualTo("5.76");
        assertThat(new BigDecimal(row.get("BilledCost"))).isEqualByComparingTo("5.472");
        assertThat(new BigDecimal(row.get("ListUnitPrice"))).isEqualByComparingTo("0.076");
        assertThat(row.get("BillingCurrency")).isEqualTo("EUR");
        assertThat(row.get("PricingCurrency")).isEqualTo("ACU");
    }

    @Test
    void makesACreditLineACreditRowWithoutPrices() {
        Map<String, String> row = FocusRow.of(line("CREDIT", -1234, null, null), JSON);

        assertThat(row.get("ChargeCategory")).isEqualTo("Credit");
        assertThat(row.get("ChargeFrequency")).isEqualTo("One-Time");
        assertThat(row.get("BilledCost")).isEqualTo("-12.34");
        assertThat(row.get("ListCost")).isEqualTo("-12.34");
        assertThat(row.get("ContractedCost")).isEqualTo("-12.34");
        assertThat(row.get("SkuId")).isNull();
        assertThat(row.get("SkuPriceId")).isNull();
        assertThat(row.get("PricingQuantity")).isNull();
        assertThat(row.get("PricingUnit")).isNull();
        assertThat(row.get("ListUnitPrice")).isNull();
        assertThat(row.get("ConsumedQuantity")).isNull();
        assertThat(row.get("HostProviderName")).isEqualTo("MongoDB");
    }

    @Test
    void makesAMinimumChargeAnAdjustmentWithoutConsumption() {
        Map<String, String> row = FocusRow.of(line("MINIMUM_CHARGE", 5000, null, null), JSON);

        assertThat(row.get("ChargeCategory")).isEqualTo("Adjustment");
        assertThat(row.get("ConsumedQuantity")).isNull();
        assertThat(row.get("ConsumedUnit")).isNull();
        assertThat(row.get("SkuId")).isEqualTo("MINIMUM_CHARGE");
        assertThat(row.get("BilledCost")).isEqualTo("50.00");
    }

    @Test
    void namesHostProvidersAsTheReferenceDoes() {
        assertThat(FocusRow.hostProvider("AZURE", "X")).isEqualTo("Azure");
        assertThat(FocusRow.hostProvider("GCP", null)).isEqualTo("GCP");
        assertThat(FocusRow.hostProvider("ATLAS", "ATLAS_AWS_X")).isEqualTo("MongoDB");
        assertThat(FocusRow.hostProvider(null, "ATLAS_GCP_STORAGE_SSD")).isEqualTo("GCP");
        assertThat(FocusRow.hostProvider(null, "STITCH_COMPUTE")).isEqualTo("MongoDB");
    }

    @Test
    void alwaysWritesADecimalPoint() {
        assertThat(FocusRow.decimal(new BigDecimal("12"))).isEqualTo("12.0");
        assertThat(FocusRow.decimal(new BigDecimal("1E+2"))).isEqualTo("100.0");
        assertThat(FocusRow.decimal(new BigDecimal("0.0000001"))).isEqualTo("0.0000001");
    }
}
