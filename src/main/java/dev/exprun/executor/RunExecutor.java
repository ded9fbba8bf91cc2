package dev.exprun.executor;

import dev.exprun.container.LeftoverSweeper.Leftover;
import dev.exprun.record.RunRecord.EngineInfo;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where runs execute: the seam between the orchestration, written once (provenance, run directory,
 * record, note, attachments), and the place that starts a container, follows its output and state,
 * stops it, and says how it ended. {@link LocalEngineExecutor} is the build's engine;
 * {@code dev.exprun.slurm.SlurmExecutor} submits Slurm jobs. Implementations are used by many trial
 * threads at once.
 */
public interface RunExecutor extends AutoCloseable {
    /** For the log: where runs go, e.g. "the engine at unix:///run/podman/podman.sock". */
    String describe();

    /**
     * True when a scheduler places the runs and gives them their GPUs (Slurm): the build then leases and
     * discovers no GPUs itself, and asks for a count. False: the build's own machine, whose GPUs the build leases.
     */
    boolean schedulesGpus();

    /**
     * Runs the container to its end and never leaves it behind. control stops it from another thread and
     * writes the fallback record when the build is killed.
     */
    ExecutionOutcome execute(ExecutionRequest request, RunControl control);

    /** What ran the containers, for the record; null when the executor cannot say (a Slurm node's runtime). */
    EngineInfo engineInfo();

    /** What ran the containers if already known, without asking (the start record, a failed run); empty when it cannot say. */
    Optional<EngineInfo> engineInfoIfKnown();

    /**
     * Ends what killed builds of this project left running (their containers or jobs); beforeRemoval sees
     * each one first, to finish its record. Another live build's runs are never touched.
     */
    List<Leftover> sweepLeftovers(String projectCoordinates, Consumer<Leftover> beforeRemoval);

    /** Stops the executor's own threads (a poller); the runs are done by then. */
    @Override
    default void close() {
    }
}
