package dev.exprun.run;

import dev.exprun.artifacts.CollectedOutput;
import dev.exprun.artifacts.OutputCollector;
import dev.exprun.artifacts.OutputSpec;
import dev.exprun.container.BuildIdentity;
import dev.exprun.container.ContainerOutcome;
import dev.exprun.container.ContainerRunner;
import dev.exprun.container.ContainerSpec;
import dev.exprun.container.EngineConnection;
import dev.exprun.container.GpuRequestMode;
import dev.exprun.container.ImageResolver;
import dev.exprun.container.LeftoverSweeper;
import dev.exprun.container.Mount;
import dev.exprun.container.ResolvedImage;
import dev.exprun.container.ShutdownGuard;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpException;
import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.core.FileTrees;
import dev.exprun.git.GitProvenance;
import dev.exprun.git.GitProvenanceResolver;
import dev.exprun.metrics.MetricsReader;
import dev.exprun.metrics.ProgressFollower;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunId;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunRecord.ContainerInfo;
import dev.exprun.record.RunRecord.EngineInfo;
import dev.exprun.record.RunRecord.ImageInfo;
import dev.exprun.record.RunRecord.OutputFile;
import dev.exprun.record.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@code exp:run}: resolve git provenance, apply the dirty policy, make the image present, run the
 * container, collect metrics and outputs, write the record. Failures of the training are reported
 * after the record is written, so nothing about a failed run is lost.
 */
public final class ExperimentRunner {
    /** Progress lines at most this often; the last state is shown when the run ends. */
    static final long PROGRESS_INTERVAL_MILLIS = 5_000;
    private static final long DISCARD_WAIT_SECONDS = 60;

    private final ExpLog log;

    public ExperimentRunner(ExpLog log) {
        this.log = log;
    }

    public RunResult run(RunConfiguration config) {
        RunSettings settings = RunSettings.from(config);
        Instant start = Instant.now();
        String runId = RunId.next(start);
        RunDirectory dir = createRunDirectory(config.buildDir(), runId);
        GitProvenanceResolver resolver = new GitProvenanceResolver(log, config.hostEnvironment());
        PhaseTimes times = new PhaseTimes();
        // Git provenance and the engine's preparation are independent: overlap them, except when a
        // dirty tree must stop the build before anything else happens (a pull can take minutes).
        CompletableFuture<GitProvenance> gitLater = settings.dirty() == DirtyPolicy.FAIL
                ? CompletableFuture.completedFuture(times.time("git", () -> resolveGit(resolver, config, dir, settings)))
                : CompletableFuture.supplyAsync(() -> times.time("git",
                        () -> resolver.resolve(config.baseDir(), config.buildDir(), dir.patch())), ExperimentRunner::daemon);
        EngineConnection engine;
        try {
            engine = times.time("engine", () -> EngineConnection.open(config.dockerHost(), config.hostEnvironment()));
        } catch (RuntimeException e) {
            discard(gitLater, dir);
            throw e;
        }
        try (engine) {
            AtomicBoolean engineLogged = new AtomicBoolean();
            Consumer<EngineInfo> logEngine = info -> {
                if (engineLogged.compareAndSet(false, true)) {
                    log.info("Engine: " + info.describe() + " at " + engine.host() + " (" + engine.source() + ")");
                }
            };
            ResolvedImage image;
            RunRecord started;
            GpuRequestMode gpuMode;
            EngineInfo info;
            CompletableFuture<ResolvedImage> imageLater = null;
            try {
                // The image needs only the connection, not what the engine is: ask for both at once.
                imageLater = CompletableFuture.supplyAsync(() -> times.time("image",
                        () -> new ImageResolver(engine, log, config.registryCredentials()).resolve(settings.image(), settings.pull())),
                        ExperimentRunner::daemon);
                engine.passedOver().forEach(miss -> log.debug("Engine not used: " + miss));
                // What the engine is matters before the start only for how to ask for GPUs. Otherwise the run
                // does not wait for it (Podman takes about half a second to answer /version): the record
                // gets it as soon as it is known, at the latest when the container has ended.
                info = settings.gpus().requested() ? times.time("engine-info", engine::info) : engine.infoIfKnown().orElse(null);
                engine.whenIdentified(logEngine); // (so the line comes as soon as the engine has said, not at the end)
                gpuMode = gpuMode(settings, info);
                CompletableFuture<ResolvedImage> resolving = imageLater;
                image = times.time("image-wait", () -> join(resolving));
                log.info("Image: " + image.reference() + " = " + image.digest()
                        + (image.digestSource().equals(ResolvedImage.IMAGE_ID) ? " (image id: never pushed)" : ""));
                GitProvenance git = times.time("git-wait", () -> join(gitLater));
                if (settings.dirty() != DirtyPolicy.FAIL) {
                    applyDirtyPolicy(settings.dirty(), git, dir);
                }
                EngineInfo known = info;
                started = times.time("record", () -> startRecord(config, settings, runId, start, git, image, known, gpuMode, dir));
            } catch (RuntimeException e) {
                if (imageLater != null) {
                    imageLater.cancel(true); // what it still logs or pulls no longer matters
                }
                discard(gitLater, dir);
                throw e;
            }
            return execute(config, settings, engine, image, gpuMode, started, dir, times);
        } finally {
            log.debug("Run " + runId + " phases: " + times.summary());
        }
    }

    /** Nothing ran: leave no half-made run directory (after the git thread is done writing into it). */
    private static void discard(CompletableFuture<GitProvenance> gitLater, RunDirectory dir) {
        try {
            gitLater.get(DISCARD_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | CancellationException e) {
            // Its outcome no longer matters; the directory goes either way.
        }
        FileTrees.deleteQuietly(dir.root());
    }

    private GitProvenance resolveGit(GitProvenanceResolver resolver, RunConfiguration config, RunDirectory dir, RunSettings settings) {
        GitProvenance git = resolver.resolve(config.baseDir(), config.buildDir(), dir.patch());
        applyDirtyPolicy(settings.dirty(), git, dir);
        return git;
    }

    /** The engine's identity for the record once the container has ended; a failure to say is a warning then, not a failed run. */
    private void recordEngine(EngineConnection engine, RecordWriter writer) {
        try {
            writer.engine(engine.info());
        } catch (ExpException e) {
            log.warn("The engine did not say what it is (" + e.getMessage() + "); the record has no engine section");
        }
    }

    /** How GPUs are asked of this engine (auto resolved against what it is); null without GPUs. */
    private GpuRequestMode gpuMode(RunSettings settings, EngineInfo info) {
        if (!settings.gpus().requested()) {
            return null;
        }
        GpuRequestMode mode = settings.gpuRequest().resolve(info, settings.gpus());
        log.info("GPUs: gpus=" + settings.gpus().text() + " asked as " + mode.json()
                + (settings.gpuRequest() == GpuRequestMode.AUTO ? " (gpuRequest=auto, for " + info.name() + ")" : ""));
        return mode;
    }

    private void finishSweep(CompletableFuture<Void> sweep) {
        try {
            sweep.join();
        } catch (CompletionException e) {
            log.warn("Could not sweep leftover containers: " + e.getCause().getMessage());
        }
    }

    private static void daemon(Runnable task) {
        Thread thread = new Thread(task, "exprun-background");
        thread.setDaemon(true);
        thread.start();
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private RunDirectory createRunDirectory(Path buildDir, String runId) {
        try {
            return RunDirectory.create(buildDir, runId);
        } catch (IOException e) {
            throw new ExpError("Cannot create the run directory under " + buildDir + ": " + e.getMessage(),
                    "check that the build directory is writable", e);
        }
    }

    private void applyDirtyPolicy(DirtyPolicy policy, GitProvenance git, RunDirectory dir) {
        if (!git.present() || !git.dirty()) {
            return;
        }
        List<String> lines = git.changes().describeLines();
        if (policy == DirtyPolicy.FAIL) {
            FileTrees.deleteQuietly(dir.root());
            throw new ExpFailure("The work tree has " + lines.size() + " uncommitted change(s) and dirty=fail refuses to run:\n    "
                    + String.join("\n    ", lines), "commit or stash the changes, or run with -Dexp.dirty=warn to record them as a patch");
        }
        if (policy == DirtyPolicy.WARN) {
            log.warn("The work tree has " + lines.size() + " uncommitted change(s); they are recorded as a patch (sha256 "
                    + git.patchSha256() + "):");
            lines.forEach(l -> log.warn("    " + l));
        }
    }

    private RunRecord startRecord(RunConfiguration config, RunSettings settings, String runId, Instant start,
                                  GitProvenance git, ResolvedImage image, EngineInfo engine, GpuRequestMode gpuMode, RunDirectory dir) {
        Path workspace = git.present() ? Path.of(git.workTree()) : config.baseDir().toAbsolutePath();
        String projectPath = git.present() ? git.projectPath() : "";
        String workingDir = RunDirectory.CONTAINER_WORKSPACE + (projectPath.isEmpty() ? "" : "/" + projectPath);
        List<String> command = settings.gpus().requested() ? GpuCheck.wrap(settings.command(), settings.gpus()) : settings.command();
        String user = switch (settings.user()) {
            case RunSettings.HOST_USER -> HostUser.uidGid();
            case RunSettings.IMAGE_USER -> null;
            default -> settings.user();
        };
        ContainerInfo container = new ContainerInfo("exp-" + runId, null, command, user, workingDir, workspace.toString(),
                settings.workspaceReadOnly() ? "ro" : "rw", settings.gpus().text(), null, settings.shmSizeBytes(),
                settings.network(), envNames(settings.env()), ConfigValues.format(settings.timeout()),
                gpuMode == null ? null : gpuMode.json());
        ImageInfo imageInfo = new ImageInfo(image.reference().toString(), image.digest(), image.digestSource(),
                image.imageId(), image.reference().pinned());
        RunRecord record = new RunRecord(RunRecord.SCHEMA, runId, RunStatus.RUNNING, null, null, config.project(), git,
                imageInfo, container, settings.params(), null, null, engine, config.host(), start.toString(), null, null,
                config.reproduces());
        RecordJson.writeAtomically(dir.params(), settings.params());
        RecordJson.writeAtomically(dir.provenance(), record);
        RecordJson.writeAtomically(dir.record(), record);
        return record;
    }

    private static List<String> envNames(Map<String, String> env) {
        return env.keySet().stream().sorted().toList();
    }

    private RunResult execute(RunConfiguration config, RunSettings settings, EngineConnection engine, ResolvedImage image,
                              GpuRequestMode gpuMode, RunRecord started, RunDirectory dir, PhaseTimes times) {
        RecordWriter writer = new RecordWriter(started, dir, config.buildDir());
        RunResult result = null;
        // Registered first: on Ctrl-C the hook stops the container, then waits for the record, the sweep and the note.
        ShutdownGuard guard = new ShutdownGuard(engine.client(), () -> writer.finishInterrupted(log));
        try {
            // Leftovers of killed builds are not in this run's way: sweep them (and finish their records) while it runs.
            CompletableFuture<Void> sweep = CompletableFuture.runAsync(() -> times.time("sweep", () ->
                    new LeftoverSweeper(engine, log).sweep(config.project().coordinates(),
                            leftover -> KilledRuns.finish(leftover, config, settings.recordInGit(), started.runId(), log))),
                    ExperimentRunner::daemon);
            try (ProgressFollower progress = new ProgressFollower(dir.metricsSeries(), log, PROGRESS_INTERVAL_MILLIS)) {
                ContainerSpec spec = containerSpec(settings, image, gpuMode, started, dir);
                log.info("Run " + started.runId() + ": " + String.join(" ", settings.command()));
                ContainerOutcome outcome = times.time("container", () -> new ContainerRunner(engine, log).run(spec, dir.log(),
                        (stderr, line) -> log.info((stderr ? "[err] " : "[out] ") + line), settings.timeout(), guard));
                times.time("engine-info", () -> {
                    recordEngine(engine, writer);
                    return null;
                });
                result = times.time("results", () -> conclude(settings, outcome, writer, dir));
                return result;
            } catch (RuntimeException e) {
                // Whatever broke, the record says so (a status already written stays: finish is once only).
                engine.infoIfKnown().ifPresent(writer::engine);
                writer.finish(RunStatus.FAILED, null, String.valueOf(e.getMessage()));
                throw e;
            } finally {
                finishSweep(sweep);
                if (settings.recordInGit()) {
                    // Failed runs too: history shows what was tried, not only what worked.
                    RunResult ended = result;
                    times.time("note", () -> {
                        RunNoteWriter.append(log, config, writer.current(), dir, ended == null ? null : ended.attachments());
                        return null;
                    });
                }
            }
        } finally {
            guard.close();
        }
    }

    private ContainerSpec containerSpec(RunSettings settings, ResolvedImage image, GpuRequestMode gpuMode, RunRecord record,
                                        RunDirectory dir) {
        ContainerInfo c = record.container();
        try {
            RuntimeFiles.install(dir.lib());
        } catch (IOException e) {
            throw new ExpError("Cannot prepare " + dir.lib() + ": " + e.getMessage(), "check that the build directory is writable", e);
        }
        List<Mount> mounts = List.of(
                new Mount(Path.of(c.workspace()), RunDirectory.CONTAINER_WORKSPACE, settings.workspaceReadOnly()),
                new Mount(dir.out(), RunDirectory.CONTAINER_OUT, false),
                new Mount(dir.in(), RunDirectory.CONTAINER_IN, true),
                new Mount(dir.lib(), RunDirectory.CONTAINER_LIB, true));
        Map<String, String> env = ContainerEnvironment.of(record, settings.env());
        env.put("PYTHONPATH", RuntimeFiles.pythonPath(settings.env().get("PYTHONPATH"), image.envValue("PYTHONPATH")));
        return new ContainerSpec(c.name(), image.imageId(), c.command(), env,
                ContainerRunner.labels(record.runId(), record.project().coordinates(),
                        record.git().present() ? record.git().commit() : null, BuildIdentity.current(), dir.root()),
                mounts, c.workingDir(), c.user(), c.shmSizeBytes(), c.network(), settings.gpus(), gpuMode);
    }

    private RunResult conclude(RunSettings settings, ContainerOutcome outcome, RecordWriter writer, RunDirectory dir) {
        GpuCheck.Result gpuCheck = settings.gpus().requested() ? readGpuCheck(dir) : null;
        writer.containerEnded(outcome.containerId(), gpuCheck == null ? null : gpuCheck.seen());
        writer.runtime(RuntimeReports.read(dir.out(), log));
        if (outcome.interrupted()) {
            writer.finish(RunStatus.INTERRUPTED, outcome.exitCode(), "The build was interrupted; the container was stopped and removed.");
            throw new ExpFailure("Run " + writer.runId() + " was interrupted.", null);
        }
        if (settings.gpus().requested() && (gpuCheck == null || gpuCheck.failed())) {
            String seen = gpuCheck == null ? "no report from the check" : gpuCheck.seen().count() + " visible";
            String message = "GPUs were requested (gpus=" + settings.gpus().text() + ") but the container does not see them ("
                    + seen + "): the engine accepted the request and ignored it. Training was not started.";
            writer.finish(RunStatus.FAILED, outcome.exitCode(), message);
            throw new ExpError(message, "use an engine with GPU support: Docker with the NVIDIA Container Toolkit "
                    + "(nvidia-ctk runtime configure --runtime=docker), or Podman with CDI (nvidia-ctk cdi generate) and a Podman "
                    + "whose Docker API honours device requests; or set <gpus>none</gpus> (-Dexp.gpus=none) to train on the CPU");
        }
        boolean ranToSuccess = !outcome.timedOut() && outcome.exitCode() != null && outcome.exitCode() == 0;
        Map<String, Double> metrics;
        List<CollectedOutput> outputs;
        try {
            metrics = MetricsReader.read(dir.metrics());
            outputs = new OutputCollector().collect(dir.out(), ranToSuccess ? settings.outputs() : optional(settings.outputs()));
        } catch (ExpException e) {
            if (ranToSuccess) {
                writer.finish(RunStatus.FAILED, outcome.exitCode(), e.getMessage());
                throw e;
            }
            // The run failed already: that is the failure to report; what it left is kept as it is.
            log.warn(e.getMessage());
            metrics = Map.of();
            outputs = List.of();
        }
        writer.results(metrics, outputs.stream()
                .map(o -> new OutputFile(o.path(), o.classifier(), o.type(), o.size(), o.sha256())).toList());
        if (outcome.timedOut()) {
            writer.finish(RunStatus.TIMED_OUT, outcome.exitCode(), "The run reached its timeout of " + ConfigValues.format(settings.timeout()) + ".");
            throw new ExpFailure("Run " + writer.runId() + " reached its timeout of " + ConfigValues.format(settings.timeout())
                    + " and was stopped." + lastLines(outcome), "raise <timeout> (-Dexp.timeout) or shorten the training");
        }
        if (outcome.exitCode() == null || outcome.exitCode() != 0) {
            writer.finish(RunStatus.FAILED, outcome.exitCode(), "The training command exited with code " + outcome.exitCode() + ".");
            throw new ExpFailure("The training command exited with code " + outcome.exitCode() + " (run " + writer.runId()
                    + "; log: " + dir.log() + ")." + lastLines(outcome), "fix the training script; the record and outputs are kept in " + dir.root());
        }
        RunRecord done = writer.finish(RunStatus.SUCCEEDED, 0, null);
        return new RunResult(done, dir, attachments(dir, outputs, done));
    }

    /** After a failed run, declared outputs are recorded where present and missing ones are no extra error. */
    private static List<OutputSpec> optional(List<OutputSpec> outputs) {
        return outputs.stream().map(o -> new OutputSpec(o.pattern(), o.classifier(), o.type(), true)).toList();
    }

    private static GpuCheck.Result readGpuCheck(RunDirectory dir) {
        try {
            return GpuCheck.read(dir.log());
        } catch (IOException e) {
            return null;
        }
    }

    private static String lastLines(ContainerOutcome outcome) {
        if (outcome.lastLines().isEmpty()) {
            return "\nThe container printed nothing.";
        }
        String last = "\nLast " + outcome.lastLines().size() + " line(s) of the log:\n    " + String.join("\n    ", outcome.lastLines());
        List<String> errors = outcome.lastErrorLines();
        if (errors.isEmpty() || outcome.lastLines().contains(errors.get(errors.size() - 1))) {
            return last;
        }
        // stdout and stderr are two pipes: the engine may have put stderr's end (a traceback) before the last stdout lines
        return last + "\nLast " + errors.size() + " line(s) on stderr:\n    " + String.join("\n    ", errors);
    }

    private static List<Attachment> attachments(RunDirectory dir, List<CollectedOutput> outputs, RunRecord record) {
        List<Attachment> list = new ArrayList<>();
        list.add(new Attachment(dir.record(), "exp-run", "json"));
        if (Files.isRegularFile(dir.metrics())) {
            list.add(new Attachment(dir.metrics(), "exp-metrics", "json"));
        }
        if (Files.isRegularFile(dir.metricsSeries())) {
            list.add(new Attachment(dir.metricsSeries(), "exp-metrics-series", "jsonl"));
        }
        list.add(new Attachment(dir.log(), "exp-log", "txt"));
        if (record.git().present() && record.git().dirty() && Files.isRegularFile(dir.patch())) {
            list.add(new Attachment(dir.patch(), "exp-diff", "patch"));
        }
        outputs.forEach(o -> list.add(new Attachment(o.file(), o.classifier(), o.type())));
        return list;
    }
}
