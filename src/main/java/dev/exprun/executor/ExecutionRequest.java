package dev.exprun.executor;

import dev.exprun.container.ContainerSpec;
import dev.exprun.container.LogLineSink;
import dev.exprun.record.RunRecord.SlurmJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One run for an executor: the container, the run directory it owns (its raw log, and whatever the
 * executor keeps there, such as a job script), where its lines go, its timeout (null: none), and who
 * hears of the scheduler's job as it changes (a Slurm job's id, nodes, state).
 */
public record ExecutionRequest(ContainerSpec spec, Path runDir, Path rawLog, LogLineSink sink, Duration timeout,
                               Consumer<SlurmJob> jobChanged) {
}
