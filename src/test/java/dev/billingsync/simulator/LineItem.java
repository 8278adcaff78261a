package dev.billingsync.simulator;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One day of one {@link UsageSource}: only what differs from day to day is stored here.
 *
 * @param discountCents present only when the source has a discount
 * @param futureRevision value of the unknown {@code futureField} object; 0 when the field is absent
 */
record LineItem(
        UsageSource source,
        Instant startDate,
        Instant endDate,
        Instant created,
        BigDecimal quantity,
        long totalPriceCents,
        @Nullable Long discountCents,
        int futureRevision) {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    static LineItem priced(
            UsageSource source,
            Instant startDate,
            Instant endDate,
            Instant created,
            BigDecimal quantity,
            int futureRevision) {
        // Atlas: totalPriceCents = unitPriceDollars * quantity * 100; the discount comes off that gross amount.
        long total = quantity.multiply(source.unitPriceDollars())
                .multiply(HUNDRED)
                .setScale(0, RoundingMode.HALF_UP)
                .longValueExact();
        Long discount = source.percentDiscount() == null
                ? null
                : BigDecimal.valueOf(total)
                        .multiply(source.percentDiscount())
                        .divide(HUNDRED, 0, RoundingMode.HALF_UP)
                        .longValueExact();
        return new LineItem(source, startDate, endDate, created, quantity, total, discount, futureRevision);
    }

    LineItem withQuantity(BigDecimal newQuantity) {
        return priced(source, startDate, endDate, created, newQuantity, futureRevision);
    }

    long discountOrZero() {
        return discountCents == null ? 0 : discountCents;
    }
}
