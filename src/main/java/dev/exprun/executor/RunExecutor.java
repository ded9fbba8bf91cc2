package dev.exprun.executor;

import dev.exprun.container.ContainerOutcome;
import dev.exprun.container.ContainerSpec;
import dev.exprun.container.LogLineSink;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where one run executes: the seam between the orchestration, written once (provenance, run
 * directory, record, note, attachments), and the place that starts a container, follows its output
 * and state, stops it, and says how it ended. {@link LocalEngineExecutor} is the local engine.
 * Implementations are used by many trial threads at once.
 */
public interface RunExecutor {
    /** For the log: where runs go, e.g. "the engine at unix:///run/podman/podman.sock". */
    String describe();

    /**
     * Runs the container to its end and never leaves it behind. The raw log goes to rawLog, its lines to
     * sink; timeout null is no limit. control stops it from another thread and writes the fallback record
     * when the build is killed.
     */
    ContainerOutcome execute(ContainerSpec spec, Path rawLog, LogLineSink sink, Duration timeout, RunControl control);
}
