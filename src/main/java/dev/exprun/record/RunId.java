package dev.exprun.record;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * Run ids sort by start time (UTC, to the millisecond) and stay unique across concurrent builds
 * thanks to a random suffix. They are valid container names and file names.
 */
public final class RunId {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunId() {
    }

    public static String next(Instant now) {
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        return FORMAT.format(now) + "-" + HexFormat.of().formatHex(suffix);
    }
}
