package dev.billingsync.spend;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One line item as a FOCUS 1.3 Cost and Usage row: the Atlas-to-FOCUS mapping MongoDB documents where it has one, our
 * own choice where it has none, and every line item in scope (a {@code CREDIT} line is a {@code Credit} row,
 * {@code MINIMUM_CHARGE} an {@code Adjustment}). Amounts are exact
 * decimals: {@code totalPriceCents / 100}, times the pricing-currency rate when it is not 1. Values are CSV-ready
 * strings; {@code null} is an empty (null) cell.
 */
final class FocusRow {

    /** The 47 FOCUS columns emitted, alphabetical, then the 5 {@code x_} columns of MongoDB's own FOCUS report. */
    static final List<String> HEADER = List.of(
            "BilledCost",
            "BillingAccountId",
            "BillingAccountName",
            "BillingCurrency",
            "BillingPeriodEnd",
            "BillingPeriodStart",
            "ChargeCategory",
            "ChargeClass",
            "ChargeDescription",
            "ChargeFrequency",
            "ChargePeriodEnd",
            "ChargePeriodStart",
            "ConsumedQuantity",
            "ConsumedUnit",
            "ContractApplied",
            "ContractedCost",
            "ContractedUnitPrice",
            "EffectiveCost",
            "HostProviderName",
            "InvoiceId",
            "InvoiceIssuerName",
            "ListCost",
            "ListUnitPrice",
            "PricingCurrency",
            "PricingCurrencyContractedUnitPrice",
            "PricingCurrencyEffectiveCost",
            "PricingCurrencyListUnitPrice",
            "PricingQuantity",
            "PricingUnit",
            "ProviderName",
            "PublisherName",
            "RegionId",
            "RegionName",
            "ResourceId",
            "ResourceName",
            "ResourceType",
            "ServiceCategory",
            "ServiceName",
            "ServiceProviderName",
            "ServiceSubcategory",
            "SkuId",
            "SkuMeter",
            "SkuPriceDetails",
            "SkuPriceId",
            "SubAccountId",
            "SubAccountName",
            "Tags",
            "x_AtlasSku",
            "x_BilledDateEnd",
            "x_BilledDateStart",
            "x_PricingCurrencyRate",
            "x_SkuCategory");

    /** Columns holding numbers: written as they are, never neutralised as text (a credit stays negative). */
    static final Set<String> DECIMALS = Set.of(
            "BilledCost",
            "ConsumedQuantity",
            "ContractedCost",
            "ContractedUnitPrice",
            "EffectiveCost",
            "ListCost",
            "ListUnitPrice",
            "PricingCurrencyContractedUnitPrice",
            "PricingCurrencyEffectiveCost",
            "PricingCurrencyListUnitPrice",
            "PricingQuantity",
            "x_PricingCurrencyRate");

    static final String MONGODB = "MongoDB";
    /** PricingCurrency when Atlas meters in credits: FOCUS wants a 3-letter code, and MongoDB publishes none. */
    static final String CREDIT_CURRENCY = "ACU";

    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private FocusRow() {}

    /**
     * The row's cells by column name, every column of {@link #HEADER} present; {@code json} writes the JSON cells with
     * decimals plain (Boot's mapper, as {@code config} sets it).
     */
    static Map<String, @Nullable String> of(FocusLine line, JsonMapper json) {
        String category = chargeCategory(line.sku());
        boolean priced = !"Credit".equals(category);
        BigDecimal rate = rate(line.rate());
        boolean unitRate = rate.compareTo(BigDecimal.ONE) == 0;
        String billingCurrency = line.currency() == null || line.currency().isBlank() ? "USD" : line.currency();
        Instant periodEnd = line.billingPeriodEnd() != null
                ? line.billingPeriodEnd()
                : line.billingPeriodStart().atZone(ZoneOffset.UTC).plusMonths(1).toInstant();

        BigDecimal pricingEffective =
                BigDecimal.valueOf(line.totalPriceCents() == null ? 0 : line.totalPriceCents(), 2);
        BigDecimal effective = unitRate ? pricingEffective : pricingEffective.multiply(rate);
        @Nullable BigDecimal pricingList = priced ? line.unitPriceDollars() : null;
        @Nullable
        BigDecimal pricingContracted = pricingList == null ? null : discounted(pricingList, line.percentDiscount());
        @Nullable BigDecimal list = pricingList == null ? null : unitRate ? pricingList : pricingList.multiply(rate);
        @Nullable BigDecimal contracted = list == null ? null : discounted(list, line.percentDiscount());
        @Nullable BigDecimal quantity = priced ? line.quantity() : null;
        @Nullable String sku = priced ? line.sku() : null;
        @Nullable
        String resourceId = line.clusterName() == null
                ? null
                : line.groupId() == null ? line.clusterName() : line.groupId() + "/" + line.clusterName();

        Map<String, @Nullable String> row = new HashMap<>();
        row.put("BilledCost", decimal(effective));
        row.put("BillingAccountId", line.orgId());
        row.put("BillingAccountName", line.orgName());
        row.put("BillingCurrency", billingCurrency);
        row.put("BillingPeriodEnd", DATE_TIME.format(periodEnd));
        row.put("BillingPeriodStart", DATE_TIME.format(line.billingPeriodStart()));
        row.put("ChargeCategory", category);
        row.put("ChargeClass", null);
        row.put("ChargeDescription", line.sku());
        row.put(
                "ChargeFrequency",
                switch (category) {
                    case "Usage" -> "Usage-Based";
                    case "Adjustment" -> "Recurring";
                    default -> "One-Time";
                });
        row.put("ChargePeriodEnd", DATE_TIME.format(line.endDate() != null ? line.endDate() : periodEnd));
        row.put(
                "ChargePeriodStart",
                DATE_TIME.format(line.startDate() != null ? line.startDate() : line.billingPeriodStart()));
        boolean consumed = "Usage".equals(category) && line.quantity() != null;
        row.put("ConsumedQuantity", consumed ? decimal(line.quantity()) : null);
        row.put("ConsumedUnit", consumed ? line.unit() : null);
        row.put("ContractApplied", null);
        row.put(
                "ContractedCost",
                decimal(contracted == null || quantity == null ? effective : contracted.multiply(quantity)));
        row.put("ContractedUnitPrice", decimal(contracted));
        row.put("EffectiveCost", decimal(effective));
        row.put("HostProviderName", priced ? hostProvider(line.cloudProvider(), line.sku()) : MONGODB);
        row.put("InvoiceId", line.invoiceId());
        row.put("InvoiceIssuerName", MONGODB);
        row.put("ListCost", decimal(list == null || quantity == null ? effective : list.multiply(quantity)));
        row.put("ListUnitPrice", decimal(list));
        row.put("PricingCurrency", unitRate && "USD".equals(billingCurrency) ? "USD" : CREDIT_CURRENCY);
        row.put("PricingCurrencyContractedUnitPrice", decimal(pricingContracted));
        row.put("PricingCurrencyEffectiveCost", decimal(pricingEffective));
        row.put("PricingCurrencyListUnitPrice", decimal(pricingList));
        row.put("PricingQuantity", decimal(quantity));
        row.put("PricingUnit", quantity == null ? null : line.unit());
        row.put("ProviderName", MONGODB);
        row.put("PublisherName", MONGODB);
        row.put("RegionId", null);
        row.put("RegionName", null);
        row.put("ResourceId", resourceId);
        row.put("ResourceName", resourceId == null ? null : line.clusterName());
        row.put("ResourceType", resourceId == null ? null : "Cluster");
        row.put("ServiceCategory", "Databases");
        row.put("ServiceName", "MongoDB Atlas");
        row.put("ServiceProviderName", MONGODB);
        row.put("ServiceSubcategory", "NoSQL Databases");
        row.put("SkuId", sku);
        row.put("SkuMeter", sku == null ? null : line.unit());
        row.put(
                "SkuPriceDetails",
                sku == null ? null : tierDetails(json, line.tierLowerBound(), line.tierUpperBound()));
        row.put("SkuPriceId", sku);
        row.put("SubAccountId", line.groupId());
        row.put("SubAccountName", line.groupId() == null ? null : line.groupName());
        row.put("Tags", tags(json, line.tags()));
        row.put("x_AtlasSku", line.sku());
        row.put("x_BilledDateEnd", line.created() == null ? null : DATE_TIME.format(line.created()));
        row.put("x_BilledDateStart", null);
        row.put("x_PricingCurrencyRate", decimal(rate));
        row.put("x_SkuCategory", skuCategory(line.sku()));
        return row;
    }

    static String chargeCategory(@Nullable String sku) {
        if ("CREDIT".equals(sku)) {
            return "Credit";
        }
        return "MINIMUM_CHARGE".equals(sku) ? "Adjustment" : "Usage";
    }

    /** AWS, Azure, GCP from {@code cloudProvider}, else from the SKU's infix; not tied to a cloud: MongoDB. */
    static String hostProvider(@Nullable String cloudProvider, @Nullable String sku) {
        String provider = cloudProvider;
        if (provider == null && sku != null) {
            provider = sku.contains("_AWS_")
                    ? "AWS"
                    : sku.contains("_GCP_") ? "GCP" : sku.contains("_AZURE_") ? "AZURE" : null;
        }
        if (provider == null) {
            return MONGODB;
        }
        return switch (provider) {
            case "AWS" -> "AWS";
            case "AZURE" -> "Azure";
            case "GCP" -> "GCP";
            default -> MONGODB;
        };
    }

    static @Nullable String skuCategory(@Nullable String sku) {
        if (sku == null) {
            return null;
        }
        if (sku.contains("_INSTANCE_")) {
            return "Clusters";
        }
        return sku.contains("BACKUP") || sku.contains("SNAPSHOT") ? "Backup" : null;
    }

    /** A FOCUS NumericFormat decimal: every digit, never an exponent, always a decimal point ({@code 12.0}). */
    static @Nullable String decimal(@Nullable BigDecimal value) {
        if (value == null) {
            return null;
        }
        return (value.scale() <= 0 ? value.setScale(1) : value).toPlainString();
    }

    private static BigDecimal discounted(BigDecimal price, @Nullable BigDecimal percentDiscount) {
        if (percentDiscount == null || percentDiscount.signum() == 0) {
            return price;
        }
        // price × (1 − p/100) as price × (100 − p) / 100: exact, no division that could repeat.
        return price.multiply(HUNDRED.subtract(percentDiscount)).movePointLeft(2);
    }

    private static BigDecimal rate(@Nullable String rate) {
        if (rate == null || rate.isBlank()) {
            return BigDecimal.ONE;
        }
        try {
            BigDecimal value = new BigDecimal(rate.trim());
            return value.signum() > 0 ? value : BigDecimal.ONE;
        } catch (NumberFormatException e) {
            return BigDecimal.ONE;
        }
    }

    private static @Nullable String tierDetails(
            JsonMapper json, @Nullable BigDecimal lower, @Nullable BigDecimal upper) {
        if (lower == null && upper == null) {
            return null;
        }
        ObjectNode details = json.createObjectNode();
        if (lower != null) {
            details.put("x_TierLowerBound", lower);
        }
        if (upper != null) {
            details.put("x_TierUpperBound", upper);
        }
        return json.writeValueAsString(details);
    }

    /** KeyValueFormat: {@code {"k":"v"}}, several values joined ({@link TagValues}), a key without value {@code true}. */
    static @Nullable String tags(JsonMapper json, @Nullable Map<String, List<String>> tags) {
        if (tags == null || tags.isEmpty()) {
            return null;
        }
        ObjectNode object = json.createObjectNode();
        new LinkedHashMap<>(tags).forEach((key, values) -> {
            String joined = TagValues.joined(values);
            if (joined == null) {
                object.put(key, true);
            } else {
                object.put(key, joined);
            }
        });
        return json.writeValueAsString(object);
    }
}
