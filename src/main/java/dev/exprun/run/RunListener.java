package dev.exprun.run;

import dev.exprun.executor.RunControl;

/**
 * What a caller hears of a run while it goes: its control as soon as it exists (to stop it from another
 * thread), and the moment its container is gone, before the record, results and note are done (a sweep
 * starts its next trial then, and frees the GPUs).
 */
public interface RunListener {
    RunListener NONE = new RunListener() {
    };

    default void controlled(RunControl control) {
    }

    default void containerGone() {
    }
}
