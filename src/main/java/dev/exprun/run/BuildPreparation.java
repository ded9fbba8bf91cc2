package dev.exprun.run;

import dev.exprun.container.EngineConnection;
import dev.exprun.container.GpuRequest;
import dev.exprun.container.GpuRequestMode;
import dev.exprun.container.ImageResolver;
import dev.exprun.container.ResolvedImage;
import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.core.FileTrees;
import dev.exprun.executor.LocalEngineExecutor;
import dev.exprun.executor.RunExecutor;
import dev.exprun.slurm.SlurmExecutor;
import dev.exprun.git.GitProvenance;
import dev.exprun.git.GitProvenanceResolver;
import dev.exprun.record.RunRecord.EngineInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Resolves what a build's runs share, once: git provenance and the dirty policy, the engine, the image,
 * and how GPUs are asked of the engine. Git and the engine are independent and overlap, except when a
 * dirty tree must stop the build before anything else happens (a pull can take minutes).
 */
final class BuildPreparation {
    private static final long DISCARD_WAIT_SECONDS = 60;

    private final ExpLog log;

    BuildPreparation(ExpLog log) {
        this.log = log;
    }

    /**
     * patch: where a dirty tree's patch goes; workDir: the directory this build made for it, deleted when
     * preparing fails (nothing ran), or null to keep it (a resumed sweep's); gpus: the GPUs of a run, for how to ask for them (none: no GPUs).
     */
    PreparedBuild prepare(RunConfiguration config, RunSettings settings, Path patch, Path workDir, GpuRequest gpus, PhaseTimes times) {
        return prepare(config, settings, patch, workDir, gpus, times, null);
    }

    /** The git provenance alone, the dirty policy applied (its patch in patch); workDir goes when the policy refuses. */
    GitProvenance gitOnly(RunConfiguration config, RunSettings settings, Path patch, Path workDir, PhaseTimes times) {
        GitProvenanceResolver resolver = new GitProvenanceResolver(log, config.hostEnvironment());
        try {
            return times.time("git", () -> resolveGit(resolver, config, patch, workDir, settings));
        } catch (RuntimeException e) {
            FileTrees.deleteQuietly(workDir);
            throw e;
        }
    }

    /** resolved: the git provenance from {@link #gitOnly} (dirty policy applied), or null to resolve it beside the engine. */
    PreparedBuild prepare(RunConfiguration config, RunSettings settings, Path patch, Path workDir, GpuRequest gpus, PhaseTimes times,
                          GitProvenance resolved) {
        GitProvenanceResolver resolver = new GitProvenanceResolver(log, config.hostEnvironment());
        CompletableFuture<GitProvenance> gitLater = resolved != null ? CompletableFuture.completedFuture(resolved)
                : settings.dirty() == DirtyPolicy.FAIL
                ? CompletableFuture.completedFuture(times.time("git", () -> resolveGit(resolver, config, patch, workDir, settings)))
                : CompletableFuture.supplyAsync(() -> times.time("git",
                        () -> resolver.resolve(config.baseDir(), config.buildDir(), patch)), BuildPreparation::daemon);
        EngineConnection engine;
        try {
            engine = times.time("engine", () -> EngineConnection.open(config.dockerHost(), config.hostEnvironment()));
        } catch (RuntimeException e) {
            discard(gitLater, workDir);
            throw e;
        }
        CompletableFuture<ResolvedImage> imageLater = null;
        try {
            // The image needs only the connection, not what the engine is: ask for both at once.
            imageLater = CompletableFuture.supplyAsync(() -> times.time("image",
                    () -> new ImageResolver(engine, log, config.registryCredentials()).resolve(settings.image(), settings.pull())),
                    BuildPreparation::daemon);
            engine.passedOver().forEach(miss -> log.debug("Engine not used: " + miss));
            // What the engine is matters before the start only for how to ask for GPUs. Otherwise runs do not
            // wait for it (Podman takes about half a second to answer /version): records get it as soon as it is
            // known, at the latest when a container has ended.
            // On Slurm the node's runtime passes the GPUs of the allocation: how this engine would be asked does not matter.
            boolean localGpus = gpus.requested() && !settings.onSlurm();
            EngineInfo info = localGpus ? times.time("engine-info", engine::info) : engine.infoIfKnown().orElse(null);
            AtomicBoolean logged = new AtomicBoolean();
            engine.whenIdentified(known -> {
                if (logged.compareAndSet(false, true)) { // (the line comes as soon as the engine has said, not at the end)
                    log.info("Engine: " + known.describe() + " at " + engine.host() + " (" + engine.source() + ")");
                }
            });
            GpuRequestMode gpuMode = localGpus ? gpuMode(settings.gpuRequest(), gpus, info) : null;
            CompletableFuture<ResolvedImage> resolving = imageLater;
            ResolvedImage image = times.time("image-wait", () -> join(resolving));
            log.info("Image: " + image.describe());
            GitProvenance git = times.time("git-wait", () -> join(gitLater));
            if (settings.dirty() != DirtyPolicy.FAIL && resolved == null) {
                applyDirtyPolicy(settings.dirty(), git, workDir);
            }
            RunExecutor executor = settings.onSlurm()
                    ? new SlurmExecutor(settings.slurm(), SlurmExecutor.nodeImage(image, settings.slurm().runtime()), config.hostEnvironment(),
                            config.baseDir(), log)
                    : new LocalEngineExecutor(engine, log);
            if (settings.onSlurm()) {
                log.info("Executor: " + executor.describe());
            }
            return new PreparedBuild(git, patch, image, engine, executor, gpuMode, times);
        } catch (RuntimeException e) {
            if (imageLater != null) {
                imageLater.cancel(true); // what it still logs or pulls no longer matters
            }
            discard(gitLater, workDir);
            engine.close();
            throw e;
        }
    }

    /** How GPUs are asked of this engine (auto resolved against what it is). */
    private GpuRequestMode gpuMode(GpuRequestMode configured, GpuRequest gpus, EngineInfo info) {
        GpuRequestMode mode = configured.resolve(info, gpus);
        log.info("GPUs: gpus=" + gpus.text() + " asked as " + mode.json()
                + (configured == GpuRequestMode.AUTO ? " (gpuRequest=auto, for " + info.name() + ")" : ""));
        return mode;
    }

    /** Nothing ran: leave no half-made directory (after the git thread is done writing into it). */
    private static void discard(CompletableFuture<GitProvenance> gitLater, Path workDir) {
        try {
            gitLater.get(DISCARD_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | CancellationException e) {
            // Its outcome no longer matters; the directory goes either way.
        }
        if (workDir != null) {
            FileTrees.deleteQuietly(workDir);
        }
    }

    private GitProvenance resolveGit(GitProvenanceResolver resolver, RunConfiguration config, Path patch, Path workDir,
                                     RunSettings settings) {
        GitProvenance git = resolver.resolve(config.baseDir(), config.buildDir(), patch);
        applyDirtyPolicy(settings.dirty(), git, workDir);
        return git;
    }

    private void applyDirtyPolicy(DirtyPolicy policy, GitProvenance git, Path workDir) {
        if (!git.present() || !git.dirty()) {
            return;
        }
        List<String> lines = git.changes().describeLines();
        if (policy == DirtyPolicy.FAIL) {
            if (workDir != null) {
                FileTrees.deleteQuietly(workDir);
            }
            throw new ExpFailure("The work tree has " + lines.size() + " uncommitted change(s) and dirty=fail refuses to run:\n    "
                    + String.join("\n    ", lines), "commit or stash the changes, or run with -Dexp.dirty=warn to record them as a patch");
        }
        if (policy == DirtyPolicy.WARN) {
            log.warn("The work tree has " + lines.size() + " uncommitted change(s); they are recorded as a patch (sha256 "
                    + git.patchSha256() + "):");
            lines.forEach(l -> log.warn("    " + l));
        }
    }

    static void daemon(Runnable task) {
        Thread thread = new Thread(task, "exprun-background");
        thread.setDaemon(true);
        thread.start();
    }

    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
