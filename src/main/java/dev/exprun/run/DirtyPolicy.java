package dev.exprun.run;

import dev.exprun.core.ExpError;
import java.util.Locale;

/** What to do when the work tree has uncommitted changes. */
public enum DirtyPolicy {
    /** Run, record the patch, print the changed files. */
    WARN,
    /** Refuse to run, listing the changes. */
    FAIL,
    /** Run and record the patch quietly. */
    ALLOW;

    public static DirtyPolicy parse(String value) {
        if (value == null || value.isBlank()) {
            return WARN;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ExpError("Unknown dirty policy '" + value + "'.", "set <dirty> (-Dexp.dirty) to warn, fail or allow");
        }
    }
}
