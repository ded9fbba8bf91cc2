package dev.exprun.cache;

import dev.exprun.core.ExpError;
import java.util.Locale;

/** {@code cache}: use a verified earlier run (default), refresh (train and become the entry), off (train, write no key). */
public enum CacheMode {
    USE, REFRESH, OFF;

    public static CacheMode parse(String value) {
        String v = value == null || value.isBlank() ? "use" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "use" -> USE;
            case "refresh" -> REFRESH;
            case "off" -> OFF;
            default -> throw new ExpError("The cache setting '" + value + "' is not use, refresh or off.",
                    "set <cache> (-Dexp.cache) to use (reuse a verified earlier run), refresh (train and replace it) or off");
        };
    }

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
