package dev.exprun.executor;

import dev.exprun.container.ContainerOutcome;
import dev.exprun.record.RunRecord.SlurmJob;

/**
 * How a run ended where it executed. slurm: the job as Slurm last described it (null on the local
 * engine). failure: the executor's own reason the run failed, whatever the exit code (a node failure,
 * a preemption), for the record and the message; for an interrupted run, who interrupted it when it was not this
 * build; null when the container's outcome says it all.
 */
public record ExecutionOutcome(ContainerOutcome container, SlurmJob slurm, String failure) {
    public static ExecutionOutcome of(ContainerOutcome container) {
        return new ExecutionOutcome(container, null, null);
    }
}
