package dev.exprun.sweep;

import dev.exprun.core.ExpError;
import java.util.Locale;

/** What a failed trial does to the sweep. */
public enum FailurePolicy {
    /** Every trial runs; the build fails at the end, naming the failed trials. */
    FAIL_AT_END("fail-at-end"),
    /** The first failure stops the launching and stops the running trials. */
    FAIL_FAST("fail-fast"),
    /** The build succeeds when at least one trial succeeded. */
    IGNORE("ignore");

    private final String text;

    FailurePolicy(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    static FailurePolicy parse(String value) {
        String v = value == null || value.isBlank() ? FAIL_AT_END.text : value.trim().toLowerCase(Locale.ROOT);
        for (FailurePolicy p : values()) {
            if (p.text.equals(v)) {
                return p;
            }
        }
        throw new ExpError("The failurePolicy '" + value + "' is not fail-at-end, fail-fast or ignore.",
                "set <failurePolicy> (-Dexp.failurePolicy) to fail-at-end (the default), fail-fast or ignore");
    }
}
