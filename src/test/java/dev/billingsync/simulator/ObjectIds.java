package dev.billingsync.simulator;

import java.time.Instant;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Atlas-looking 24-hex ids: like a MongoDB ObjectId, 4 bytes of creation time, then 8 seeded random bytes. */
final class ObjectIds {

    private static final HexFormat HEX = HexFormat.of();

    private final SplittableRandom random;

    ObjectIds(SplittableRandom random) {
        this.random = random;
    }

    String next(Instant created) {
        return String.format("%08x", created.getEpochSecond() & 0xffffffffL) + HEX.toHexDigits(random.nextLong());
    }
}
