package dev.exprun.run;

import dev.exprun.artifacts.ArtifactSource;
import dev.exprun.cache.KeyLock;
import dev.exprun.core.ExpLog;
import dev.exprun.core.FileTrees;
import dev.exprun.git.GitProvenance;
import dev.exprun.lease.GpuLease;
import dev.exprun.record.RunId;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@code exp:run}: prepare the build (git provenance and the dirty policy, the engine, the image), serve the run
 * from the run cache when a verified earlier run has its key, else lease the GPUs it names and execute its one run.
 * A sweep ({@code dev.exprun.sweep}) does the same per trial.
 */
public final class ExperimentRunner {
    private final ExpLog log;
    private final ArtifactSource artifacts;

    /** A runner whose cache looks in the run directories and git notes only (no Maven repositories). */
    public ExperimentRunner(ExpLog log) {
        this(log, ArtifactSource.NONE);
    }

    /** artifacts: where the cache fetches a noted run's published files (Maven's repositories). */
    public ExperimentRunner(ExpLog log, ArtifactSource artifacts) {
        this.log = log;
        this.artifacts = artifacts;
    }

    public RunResult run(RunConfiguration config) {
        RunSettings settings = RunSettings.from(config);
        Instant start = Instant.now();
        String runId = RunId.next(start);
        RunDirectory dir = RunDirectory.created(config.buildDir(), runId, settings.sharedDir());
        PhaseTimes times = new PhaseTimes();
        try {
            if (settings.cache().serves() && settings.image().pinned()) {
                return pinnedImage(config, settings, runId, start, dir, times);
            }
            try (PreparedBuild build = new BuildPreparation(log).prepare(config, settings, dir.patch(), dir.root(), settings.gpus(), times)) {
                RunCache cache = new RunCache(log, config, build, artifacts);
                return servedOrTrained(config, settings, cache, keyOrDiscard(cache, settings, dir), runId, start, dir, () -> build);
            }
        } finally {
            log.debug("Run " + runId + " phases: " + times.summary());
        }
    }

    /**
     * An image pinned by digest is the key's image part as written: the cache is asked with git alone, and a hit needs
     * no engine at all (a CI runner without one passes a cached build). Only a miss connects to the engine.
     */
    private RunResult pinnedImage(RunConfiguration config, RunSettings settings, String runId, Instant start, RunDirectory dir,
                                  PhaseTimes times) {
        BuildPreparation preparation = new BuildPreparation(log);
        // Nothing runs beside git here (no engine is asked): load and link the JSON side meanwhile, which the key and
        // the lookup then find ready (about 0.2 s of a cold JVM).
        CompletableFuture.runAsync(RunCache::warmUp, BuildPreparation::daemon);
        GitProvenance git = preparation.gitOnly(config, settings, dir.patch(), dir.root(), times);
        RunCache cache = new RunCache(log, config, git, null, times, artifacts);
        RunCache.RunKey key = keyOrDiscard(cache, settings, dir);
        PreparedBuild[] prepared = new PreparedBuild[1];
        try {
            return servedOrTrained(config, settings, cache, key, runId, start, dir, () -> prepared[0] = preparation.prepare(config, settings,
                    dir.patch(), dir.root(), settings.gpus(), times, git));
        } finally {
            if (prepared[0] != null) {
                prepared[0].close();
            }
        }
    }

    private RunCache.RunKey keyOrDiscard(RunCache cache, RunSettings settings, RunDirectory dir) {
        try {
            return cache.key(settings, settings.gpus());
        } catch (RuntimeException e) {
            FileTrees.deleteQuietly(dir.root()); // nothing ran
            throw e;
        }
    }

    /** Under the key's lock: the earlier run the cache serves, else the run trained on the build (prepared now if not yet). */
    private RunResult servedOrTrained(RunConfiguration config, RunSettings settings, RunCache cache, RunCache.RunKey key, String runId,
                                      Instant start, RunDirectory dir, Supplier<PreparedBuild> build) {
        KeyLock lock;
        try {
            // Held while training, so that a second build of the same key waits and is then served this run.
            lock = cache.lock(key, runId);
        } catch (RuntimeException e) {
            FileTrees.deleteQuietly(dir.root());
            throw e;
        }
        try (lock) {
            Optional<RunCache.Hit> hit = cache.find(key, settings);
            if (hit.isPresent()) {
                return cache.served(hit.get(), key, settings, runId, start, dir, null);
            }
            return trained(config, settings, build.get(), key, runId, start, dir);
        }
    }

    private RunResult trained(RunConfiguration config, RunSettings settings, PreparedBuild build, RunCache.RunKey key, String runId,
                              Instant start, RunDirectory dir) {
        try (GpuLease lease = leaseOrDiscard(config, build, settings, runId, dir)) {
            // Leftovers of killed builds are not in this run's way: sweep them (and finish their records) while it runs.
            CompletableFuture<Void> leftovers = build.sweepLeftovers(config, settings.recordInGit(), runId, log);
            try {
                return new RunExecution(log, config, build).run(settings, runId, start, dir, null, key == null ? null : key.key(),
                        (stderr, line) -> log.info((stderr ? "[err] " : "[out] ") + line), RunListener.NONE);
            } finally {
                PreparedBuild.finishLeftovers(leftovers, log);
            }
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
