package dev.exprun.sweep;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.exprun.container.BuildIdentity;
import dev.exprun.gate.MetricDirection;
import dev.exprun.record.RunRecord.ProjectInfo;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Map;

/**
 * What a sweep ran, as {@code sweep.json} (schema {@value #SCHEMA}): the space, the objective, and per
 * trial its run, params, status, metrics, attempts, waits and GPUs. Written when the sweep starts and
 * again at every trial's change of state, so a killed build still leaves what was done. build: the build
 * process that runs it, by which a later sweep tells that a record still saying running was killed.
 */
public record SweepRecord(
        String schema,
        String sweepId,
        Status status,
        String failure,
        ProjectInfo project,
        Commit git,
        Image image,
        List<String> command,
        Map<String, Object> baseParams,
        Map<String, Object> space,
        Objective objective,
        int parallel,
        int gpusPerTrial,
        List<String> gpuDevices,
        String failurePolicy,
        int retries,
        String startedAt,
        String endedAt,
        String best,
        List<Trial> trials,
        BuildIdentity build) {

    public static final String SCHEMA = "exprun.sweep/v1";

    /** killed: the build that ran it was killed (SIGKILL); a later sweep of the project found its record and says so. */
    public enum Status {
        RUNNING, SUCCEEDED, FAILED, INTERRUPTED, KILLED;

        @JsonValue
        public String json() {
            return name().toLowerCase();
        }
    }

    /**
     * A trial's state: queued, running, and finishing (its container is gone, its record and note are being
     * written) while the sweep runs, then one of the others.
     */
    public enum TrialStatus {
        QUEUED, RUNNING, FINISHING, SUCCEEDED, FAILED, INTERRUPTED, TIMED_OUT, CANCELLED, KILLED;

        @JsonValue
        public String json() {
            return name().toLowerCase().replace('_', '-');
        }

        boolean done() {
            return this != QUEUED && this != RUNNING && this != FINISHING;
        }
    }

    public record Commit(String commit, String branch, String describe, boolean dirty, String patchSha256) {
    }

    public record Image(String reference, String digest) {
    }

    /** direction: higher-is-better or lower-is-better, by the same rules as the gates. */
    public record Objective(String metric, String direction) {
        private static final String HIGHER = "higher-is-better";

        static Objective of(String metric, MetricDirection direction) {
            return new Objective(metric, direction == MetricDirection.HIGHER_IS_BETTER ? HIGHER : "lower-is-better");
        }

        /** A trial that counts for the objective: succeeded, with a number for the metric. */
        boolean scores(Trial t) {
            return t.status() == TrialStatus.SUCCEEDED && t.metrics() != null && t.metrics().get(metric) != null
                    && !t.metrics().get(metric).isNaN();
        }

        /** Among scoring trials: the best first, ties to the lowest trial number. */
        Comparator<Trial> bestFirst() {
            Comparator<Trial> byValue = Comparator.comparingDouble(t -> t.metrics().get(metric));
            return (direction.equals(HIGHER) ? byValue.reversed() : byValue).thenComparingInt(Trial::number);
        }

        /** The best of these trials; empty when none scores. */
        Optional<Trial> best(List<Trial> trials) {
            return trials.stream().filter(this::scores).min(bestFirst());
        }
    }

    /**
     * One trial. runId: its last attempt's run; attempts: every attempt's run id, in order; reusedFrom: the
     * sweep whose run of the same commit, patch, image, command and params was reused instead of run again.
     * queueWaitMs: from the sweep's launch until a slot took it; leaseWaitMs: waiting for GPUs held elsewhere.
     */
    public record Trial(
            String trial,
            int number,
            Map<String, Object> params,
            TrialStatus status,
            String runId,
            List<String> attempts,
            Map<String, Double> metrics,
            Long queueWaitMs,
            Long leaseWaitMs,
            String startedAt,
            String endedAt,
            Long durationMs,
            List<String> gpus,
            String failure,
            Fault fault,
            String reusedFrom) {

        /** This trial in another state, with why (and whose fault) when it did not succeed; the rest as it is. */
        Trial withStatus(TrialStatus newStatus, String newFailure, Fault newFault) {
            return new Trial(trial, number, params, newStatus, runId, attempts, metrics, queueWaitMs, leaseWaitMs, startedAt, endedAt,
                    durationMs, gpus, newFailure, newFault, reusedFrom);
        }
    }

    /** Whose fault a failed trial was: the project's (the script failed) or the infrastructure's (retried when allowed). */
    public enum Fault {
        PROJECT, INFRASTRUCTURE;

        @JsonValue
        public String json() {
            return name().toLowerCase();
        }
    }

    SweepRecord with(Status newStatus, String newFailure, String end, String newBest, List<Trial> newTrials) {
        return new SweepRecord(schema, sweepId, newStatus, newFailure, project, git, image, command, baseParams, space, objective,
                parallel, gpusPerTrial, gpuDevices, failurePolicy, retries, startedAt, end, newBest, newTrials, build);
    }
}
