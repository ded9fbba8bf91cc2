package dev.exprun.run;

import dev.exprun.artifacts.CollectedOutput;
import dev.exprun.artifacts.OutputCollector;
import dev.exprun.artifacts.OutputSpec;
import dev.exprun.container.BuildIdentity;
import dev.exprun.container.ContainerOutcome;
import dev.exprun.container.ContainerRunner;
import dev.exprun.container.ContainerSpec;
import dev.exprun.container.LogLineSink;
import dev.exprun.container.Mount;
import dev.exprun.container.ResolvedImage;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpException;
import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.executor.ExecutionOutcome;
import dev.exprun.executor.ExecutionRequest;
import dev.exprun.executor.RunControl;
import dev.exprun.git.GitProvenance;
import dev.exprun.metrics.MetricsReader;
import dev.exprun.metrics.ProgressFollower;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunRecord.CacheKey;
import dev.exprun.record.RunRecord.ContainerInfo;
import dev.exprun.record.RunRecord.ImageInfo;
import dev.exprun.record.RunRecord.OutputFile;
import dev.exprun.record.RunRecord.SweepTrial;
import dev.exprun.record.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What each run does, on a build prepared once ({@link PreparedBuild}): write the starting record, execute
 * the container where the build's executor runs it, collect metrics and outputs, finish the record, note it
 * in git. Failures of the training are reported after the record is written, so nothing about a failed run
 * is lost. exp:run does this once; exp:sweep once per trial attempt, from several threads.
 */
public final class RunExecution {
    /** Progress lines at most this often; the last state is shown when the run ends. */
    static final long PROGRESS_INTERVAL_MILLIS = 5_000;

    private final ExpLog log;
    private final RunConfiguration config;
    private final PreparedBuild build;

    public RunExecution(ExpLog log, RunConfiguration config, PreparedBuild build) {
        this.log = log;
        this.config = config;
        this.build = build;
    }

    /**
     * Runs once in dir (created, empty). trial: the sweep trial it is, or null; key: the run cache's key the record
     * keeps (null: none); sink: the container's lines; listener: hears of the run's control and of its container's end.
     */
    public RunResult run(RunSettings settings, String runId, Instant start, RunDirectory dir, SweepTrial trial, CacheKey key,
                         LogLineSink sink, RunListener listener) {
        GitProvenance git = build.git();
        if (git.present() && git.dirty() && !build.patch().equals(dir.patch())) {
            copyPatch(dir);
        }
        RunRecord started = build.times().time("record", () -> startRecord(settings, runId, start, git, build.image(), trial, key, dir));
        return execute(settings, started, dir, sink, listener);
    }

    private void copyPatch(RunDirectory dir) {
        try {
            Files.copy(build.patch(), dir.patch(), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ExpError("Cannot copy the patch " + build.patch() + " into " + dir.root() + ": " + e.getMessage(),
                    "check that the build directory is writable", e);
        }
    }

    /** The engine's identity for the record once the container has ended; a failure to say is a warning then, not a failed run. */
    private void recordEngine(RecordWriter writer) {
        try {
            writer.engine(build.executor().engineInfo());
        } catch (ExpException e) {
            log.warn("The engine did not say what it is (" + e.getMessage() + "); the record has no engine section");
        }
    }

    private RunRecord startRecord(RunSettings settings, String runId, Instant start, GitProvenance git, ResolvedImage image,
                                  SweepTrial trial, CacheKey key, RunDirectory dir) {
        Path workspace = ContainerEnvironment.workspace(git, config.baseDir());
        String workingDir = ContainerEnvironment.workingDir(git);
        List<String> command = settings.gpus().requested() ? GpuCheck.wrap(settings.command(), settings.gpus()) : settings.command();
        String user = settings.containerUser();
        ContainerInfo container = new ContainerInfo("exp-" + runId, null, command, user, workingDir, workspace.toString(),
                settings.workspaceReadOnly() ? "ro" : "rw", settings.gpus().text(), null, settings.shmSizeBytes(),
                settings.network(), envNames(settings.env()), ConfigValues.format(settings.timeout()),
                build.gpuMode() == null || !settings.gpus().requested() ? null : build.gpuMode().json(),
                settings.limits().nanoCpus(), settings.limits().memoryBytes(), null, null);
        ImageInfo imageInfo = new ImageInfo(image.reference().toString(), image.digest(), image.digestSource(),
                image.imageId(), image.reference().pinned());
        RunRecord record = new RunRecord(RunRecord.SCHEMA, runId, RunStatus.RUNNING, null, null, config.project(), git,
                imageInfo, container, settings.params(), null, null, build.executor().engineInfoIfKnown().orElse(null), config.host(),
                start.toString(), null, null, config.reproduces(), null, null, trial).withCache(key);
        RecordJson.writeAtomically(dir.params(), settings.params());
        RecordJson.writeAtomically(dir.provenance(), record);
        RecordJson.writeAtomically(dir.record(), record);
        return record;
    }

    private static List<String> envNames(Map<String, String> env) {
        return env.keySet().stream().sorted().toList();
    }

    private RunResult execute(RunSettings settings, RunRecord started, RunDirectory dir, LogLineSink sink, RunListener listener) {
        RecordWriter writer = new RecordWriter(started, dir, config.buildDir());
        PhaseTimes times = build.times();
        RunResult result = null;
        // On Ctrl-C the executor stops the container, then waits (until close) for the record and the note.
        try (RunControl control = new RunControl(() -> writer.finishInterrupted(log))) {
            listener.controlled(control);
            try (ProgressFollower progress = new ProgressFollower(dir.metricsSeries(), log, PROGRESS_INTERVAL_MILLIS)) {
                ContainerSpec spec = containerSpec(settings, build.image(), started, dir);
                log.info("Run " + started.runId() + ": " + String.join(" ", settings.command()));
                ExecutionOutcome outcome;
                ExecutionRequest request = new ExecutionRequest(spec, dir.root(), dir.log(), sink, settings.timeout(), writer::slurm);
                try {
                    outcome = times.time("container", () -> build.executor().execute(request, control));
                } finally {
                    listener.containerGone();
                }
                times.time("engine-info", () -> {
                    recordEngine(writer);
                    return null;
                });
                result = times.time("results", () -> conclude(settings, outcome, control, writer, dir));
                return result;
            } catch (RuntimeException e) {
                // Whatever broke, the record says so (a status already written stays: finish is once only).
                build.executor().engineInfoIfKnown().ifPresent(writer::engine);
                writer.finish(RunStatus.FAILED, null, String.valueOf(e.getMessage()));
                throw e;
            } finally {
                if (settings.recordInGit()) {
                    // Failed runs too: history shows what was tried, not only what worked.
                    RunResult ended = result;
                    times.time("note", () -> {
                        RunNoteWriter.append(log, config, writer.current(), dir, ended == null ? null : ended.attachments());
                        return null;
                    });
                }
            }
        }
    }

    private ContainerSpec containerSpec(RunSettings settings, ResolvedImage image, RunRecord record, RunDirectory dir) {
        ContainerInfo c = record.container();
        dir.installRuntime();
        List<Mount> mounts = dir.mounts(Path.of(c.workspace()), settings.workspaceReadOnly());
        Map<String, String> env = ContainerEnvironment.of(record, settings.env(), image);
        return new ContainerSpec(c.name(), image.imageId(), c.command(), env,
                ContainerRunner.labels(record.runId(), record.project().coordinates(),
                        record.git().present() ? record.git().commit() : null, BuildIdentity.current(), dir.root()),
                mounts, c.workingDir(), c.user(), c.shmSizeBytes(), c.network(), settings.gpus(),
                settings.gpus().requested() ? build.gpuMode() : null, settings.limits());
    }

    private RunResult conclude(RunSettings settings, ExecutionOutcome execution, RunControl control, RecordWriter writer,
                               RunDirectory dir) {
        ContainerOutcome outcome = execution.container();
        if (execution.slurm() != null) {
            writer.slurm(execution.slurm());
        }
        GpuCheck.Result gpuCheck = settings.gpus().requested() ? readGpuCheck(dir) : null;
        writer.containerEnded(outcome.containerId(), gpuCheck == null ? null : gpuCheck.seen(), outcome.startedAt(), outcome.endedAt());
        writer.runtime(RuntimeReports.read(dir.out(), log));
        if (outcome.interrupted()) {
            String why = control.stopReason() != null ? control.stopReason()
                    : execution.failure() != null ? execution.failure() : "The build was interrupted";
            writer.finish(RunStatus.INTERRUPTED, outcome.exitCode(), why + (settings.onSlurm() ? "; its Slurm job was cancelled."
                    : "; the container was stopped and removed."));
            throw new RunInterrupted("Run " + writer.runId() + " was interrupted" + (control.stopReason() == null && execution.failure() == null ? "." : ": " + why + "."));
        }
        if (execution.failure() != null) {
            // The executor's own reason (a node failure, a preemption): the infrastructure's, whatever the exit code.
            writer.finish(RunStatus.FAILED, outcome.exitCode(), execution.failure());
            throw new ExpError("Run " + writer.runId() + ": " + execution.failure() + lastLines(outcome),
                    "run it again" + (settings.onSlurm() ? "; with <requeue>true</requeue> (-Dexp.requeue=true) Slurm starts it again "
                            + "by itself after a node failure or a preemption" : ""));
        }
        if (outcome.oomKilled()) {
            String message = "The kernel's OOM killer ended the container (exit code 137): it needed more memory than it had.";
            writer.finish(RunStatus.FAILED, outcome.exitCode(), message);
            throw new ExpError("Run " + writer.runId() + ": " + message + lastLines(outcome),
                    "give the container more memory (memoryPerTrial, -Dexp.memoryPerTrial, or the engine's limits), or use a smaller batch");
        }
        if (settings.gpus().requested() && (gpuCheck == null || gpuCheck.failed())) {
            ExpError notSeen = GpuCheck.notSeen(settings.gpus(), gpuCheck, "Training");
            writer.finish(RunStatus.FAILED, outcome.exitCode(), notSeen.getMessage());
            throw notSeen;
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

    /** What a finished run attaches, from its directory and record alone (a sweep's trial reused on resume). */
    public static List<Attachment> attachments(RunDirectory dir, RunRecord record) {
        List<CollectedOutput> outputs = record.outputs() == null ? List.of() : record.outputs().stream()
                .map(o -> new CollectedOutput(dir.out().resolve(o.path()), o.path(), o.classifier(), o.type(), o.size(), o.sha256()))
                .toList();
        return attachments(dir, outputs, record);
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
        if (Files.isRegularFile(dir.jobScript())) {
            list.add(new Attachment(dir.jobScript(), "exp-job", "txt"));
        }
        if (record.git().present() && record.git().dirty() && Files.isRegularFile(dir.patch())) {
            list.add(new Attachment(dir.patch(), "exp-diff", "patch"));
        }
        outputs.forEach(o -> list.add(new Attachment(o.file(), o.classifier(), o.type(), o.path(), o.sha256())));
        return list;
    }

}
