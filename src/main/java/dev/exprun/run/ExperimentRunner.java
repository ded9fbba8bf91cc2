package dev.exprun.run;

import dev.exprun.core.ExpLog;
import dev.exprun.core.FileTrees;
import dev.exprun.lease.GpuLease;
import dev.exprun.record.RunId;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * {@code exp:run}: prepare the build (git provenance and the dirty policy, the engine, the image), lease
 * the GPUs it names, and execute its one run. A sweep ({@code dev.exprun.sweep}) does the same per trial.
 */
public final class ExperimentRunner {
    private final ExpLog log;

    public ExperimentRunner(ExpLog log) {
        this.log = log;
    }

    public RunResult run(RunConfiguration config) {
        RunSettings settings = RunSettings.from(config);
        Instant start = Instant.now();
        String runId = RunId.next(start);
        RunDirectory dir = RunDirectory.created(config.buildDir(), runId, settings.sharedDir());
        PhaseTimes times = new PhaseTimes();
        try (PreparedBuild build = new BuildPreparation(log).prepare(config, settings, dir.patch(), dir.root(), settings.gpus(), times);
             GpuLease lease = leaseOrDiscard(config, build, settings, runId, dir)) {
            // Leftovers of killed builds are not in this run's way: sweep them (and finish their records) while it runs.
            CompletableFuture<Void> leftovers = build.sweepLeftovers(config, settings.recordInGit(), runId, log);
            try {
                return new RunExecution(log, config, build).run(settings, runId, start, dir, null,
                        (stderr, line) -> log.info((stderr ? "[err] " : "[out] ") + line), RunListener.NONE);
            } finally {
                PreparedBuild.finishLeftovers(leftovers, log);
            }
        } finally {
            log.debug("Run " + runId + " phases: " + times.summary());
        }
    }

    /** The GPUs the run names, leased; nothing ran when they cannot be had, so the run directory goes. */
    private GpuLease leaseOrDiscard(RunConfiguration config, PreparedBuild build, RunSettings settings, String runId, RunDirectory dir) {
        try {
            return Leasing.forRun(config, build, settings.gpus(), settings.gpuWait(), "run " + runId, log);
        } catch (RuntimeException e) {
            FileTrees.deleteQuietly(dir.root());
            throw e;
        }
    }
}
