package dev.billingsync.simulator;

import java.math.BigDecimal;
import java.util.SplittableRandom;

/**
 * How one day's quantity of a {@link UsageSource} is drawn. The scales differ on purpose (24, 0.511, 13.000042):
 * clients must keep every digit they receive.
 */
enum QuantityKind {

    /** Nodes times 24 hours; now and then a shorter day (a resize or a pause). */
    SERVER_HOURS {
        @Override
        BigDecimal draw(SplittableRandom random, int nodes) {
            long hours = nodes * 24L;
            if (random.nextInt(25) == 0) {
                return plain(BigDecimal.valueOf(hours * 10 - random.nextInt(1, 24) * 5L, 1));
            }
            return BigDecimal.valueOf(hours);
        }
    },

    /** Provisioned GB times 24 hours, plus a few millionths of growth. */
    STORAGE_GB_HOURS {
        @Override
        BigDecimal draw(SplittableRandom random, int gigabytes) {
            return plain(BigDecimal.valueOf(gigabytes * 24_000_000L + random.nextInt(0, 100), 6));
        }
    },

    /** Data transferred: anything from a few MB to tens of GB, in thousandths. */
    TRANSFER_GB {
        @Override
        BigDecimal draw(SplittableRandom random, int typicalGigabytes) {
            return plain(BigDecimal.valueOf(random.nextLong(1, typicalGigabytes * 2_000L + 2), 3));
        }
    },

    /** Snapshot storage that grows slowly. */
    BACKUP_GB_DAYS {
        @Override
        BigDecimal draw(SplittableRandom random, int gigabytes) {
            return plain(BigDecimal.valueOf(gigabytes * 10_000L + random.nextInt(0, 5_000), 4));
        }
    },

    /** App Services runtime, in hundred-thousandths of an hour. */
    RUNTIME_HOURS {
        @Override
        BigDecimal draw(SplittableRandom random, int typicalHours) {
            return plain(BigDecimal.valueOf(random.nextLong(1, typicalHours * 200_000L + 2), 5));
        }
    },

    /** A tier that is always used up: its whole width. */
    FULL_TIER {
        @Override
        BigDecimal draw(SplittableRandom random, int width) {
            return BigDecimal.valueOf(width);
        }
    },

    /** Usage inside an open tier, in millionths. */
    PARTIAL_TIER {
        @Override
        BigDecimal draw(SplittableRandom random, int width) {
            return plain(BigDecimal.valueOf(random.nextLong(1, width * 1_000_000L), 6));
        }
    };

    abstract BigDecimal draw(SplittableRandom random, int magnitude);

    private static BigDecimal plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
