package dev.exprun.container;

import dev.exprun.core.ExpError;
import java.util.Locale;

public enum PullPolicy {
    MISSING, ALWAYS, NEVER;

    public static PullPolicy parse(String value) {
        if (value == null || value.isBlank()) {
            return MISSING;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ExpError("Unknown pull policy '" + value + "'.",
                    "set <pull> (-Dexp.pull) to missing, always or never");
        }
    }
}
