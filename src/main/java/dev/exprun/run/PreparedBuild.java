package dev.exprun.run;

import dev.exprun.container.EngineConnection;
import dev.exprun.container.GpuRequest;
import dev.exprun.container.GpuRequestMode;
import dev.exprun.container.ResolvedImage;
import dev.exprun.core.ExpLog;
import dev.exprun.executor.RunExecutor;
import dev.exprun.git.GitProvenance;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * What a build resolves once and hands to each of its runs: the git provenance (and the patch of a
 * dirty tree), the image, the engine and where runs execute, and how GPUs are asked of it (null
 * without GPUs). A sweep's trials share one; exp:run has one for its one run.
 */
public final class PreparedBuild implements AutoCloseable {
    private final GitProvenance git;
    private final Path patch;
    private final ResolvedImage image;
    private final EngineConnection engine;
    private final RunExecutor executor;
    private final GpuRequestMode gpuMode;
    private final PhaseTimes times;

    PreparedBuild(GitProvenance git, Path patch, ResolvedImage image, EngineConnection engine, RunExecutor executor,
                  GpuRequestMode gpuMode, PhaseTimes times) {
        this.git = git;
        this.patch = patch;
        this.image = image;
        this.engine = engine;
        this.executor = executor;
        this.gpuMode = gpuMode;
        this.times = times;
    }

    /**
     * Prepares a build whose runs are not exp:run's one run (a sweep's trials): patch goes where the dirty
     * tree's patch is kept, workDir is deleted when preparing fails, gpus says how a run asks for GPUs.
     */
    public static PreparedBuild prepare(ExpLog log, RunConfiguration config, RunSettings settings, Path patch, Path workDir,
                                        GpuRequest gpus) {
        return new BuildPreparation(log).prepare(config, settings, patch, workDir, gpus, new PhaseTimes());
    }

    /** The debug line of where the build's seconds went. */
    public String phases() {
        return times.summary();
    }

    public GitProvenance git() {
        return git;
    }

    /** The patch of the dirty tree as resolved (a trial copies it into its run directory). */
    Path patch() {
        return patch;
    }

    public ResolvedImage image() {
        return image;
    }

    public EngineConnection engine() {
        return engine;
    }

    public RunExecutor executor() {
        return executor;
    }

    public GpuRequestMode gpuMode() {
        return gpuMode;
    }

    PhaseTimes times() {
        return times;
    }

    /**
     * Removes the containers (or Slurm jobs) of killed builds of this project (and finishes their records) in the background:
     * they are not in the way of this build's runs. foundBy names who found them (a run or a sweep id).
     */
    public CompletableFuture<Void> sweepLeftovers(RunConfiguration config, boolean recordInGit, String foundBy, ExpLog log) {
        return CompletableFuture.runAsync(() -> times.time("sweep", () ->
                executor.sweepLeftovers(config.project().coordinates(),
                        leftover -> KilledRuns.finish(leftover, config, recordInGit, foundBy, log))), BuildPreparation::daemon);
    }

    public static void finishLeftovers(CompletableFuture<Void> sweep, ExpLog log) {
        try {
            sweep.join();
        } catch (CompletionException e) {
            log.warn("Could not sweep leftover containers: " + e.getCause().getMessage());
        }
    }

    @Override
    public void close() {
        executor.close();
        engine.close();
    }
}
