package dev.exprun.run;

import dev.exprun.core.ExpFailure;

/** A run stopped before its end: the build was interrupted, or a sweep stopped it (fail-fast). */
public final class RunInterrupted extends ExpFailure {
    RunInterrupted(String message) {
        super(message, null);
    }
}
