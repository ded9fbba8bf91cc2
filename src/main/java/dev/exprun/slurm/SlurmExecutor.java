package dev.exprun.slurm;

import dev.exprun.container.ContainerLabels;
import dev.exprun.container.ContainerOutcome;
import dev.exprun.container.ContainerSpec;
import dev.exprun.container.LeftoverSweeper.Leftover;
import dev.exprun.container.ResolvedImage;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import dev.exprun.executor.ExecutionOutcome;
import dev.exprun.executor.ExecutionRequest;
import dev.exprun.executor.RunControl;
import dev.exprun.executor.RunExecutor;
import dev.exprun.record.RunRecord.EngineInfo;
import dev.exprun.record.RunRecord.SlurmJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs each run as a Slurm job: a generated batch script ({@link JobScript}) submitted with
 * {@code sbatch --parsable}, followed through its output file on the shared storage and one batched
 * squeue poller for all of the build's jobs ({@link JobMonitor}), stopped with {@code scancel}.
 */
public final class SlurmExecutor implements RunExecutor {
    private final SlurmSettings settings;
    private final String image;
    private final SlurmCommands commands;
    private final JobMonitor monitor;
    private final ExpLog log;
    private Integer stopGrace;

    /** image: the pinned image as the node's runtime names it; environment: the build's (PATH, SLURM_CONF). */
    public SlurmExecutor(SlurmSettings settings, String image, Map<String, String> environment, Path workDir, ExpLog log) {
        this.settings = settings;
        this.image = image;
        this.commands = new SlurmCommands(environment, workDir, log);
        this.monitor = new JobMonitor(commands, settings.pollInterval(), log);
        this.log = log;
        commands.requireClient();
    }

    /**
     * The pinned image as the node's runtime names it: name@sha256 when the registry's digest is known; the
     * image id for Podman or Docker when it was never pushed (the node must then share the build's image store).
     */
    public static String nodeImage(ResolvedImage image, ContainerRuntime runtime) {
        if (!image.hasRegistryDigest()) {
            if (runtime.needsRegistryDigest()) {
                throw new ExpError("The image " + image.reference() + " has no registry digest (it was never pushed), and "
                        + runtime.text() + " on the compute nodes pulls images from a registry.",
                        "push the image and pin it by digest in <image> (name@sha256:...), or use containerRuntime podman or docker "
                                + "with an image store the nodes share");
            }
            return image.imageId();
        }
        if (runtime == ContainerRuntime.PYXIS && image.reference().registry() != null) {
            // enroot names a registry with '#': registry#repository@digest
            return image.reference().registry() + "#" + image.reference().repository() + "@" + image.digest();
        }
        return image.pinnedReference();
    }

    @Override
    public String describe() {
        return "Slurm" + (settings.partition() == null ? "" : " (partition " + settings.partition() + ")") + ", containers by "
                + settings.runtime().text() + " on the nodes";
    }

    @Override
    public boolean schedulesGpus() {
        return true;
    }

    @Override
    public EngineInfo engineInfo() {
        return null; // the node's runtime ran it; the record's slurm section says which
    }

    @Override
    public Optional<EngineInfo> engineInfoIfKnown() {
        return Optional.empty();
    }

    SlurmCommands commands() {
        return commands;
    }

    @Override
    public ExecutionOutcome execute(ExecutionRequest request, RunControl control) {
        ContainerSpec spec = request.spec();
        int gpus = gpuCount(spec);
        Path script = request.runDir().resolve(JobScript.FILE);
        List<String> args = submission(spec, request, gpus);
        List<String> shown = new ArrayList<>(List.of("sbatch"));
        shown.addAll(args);
        shown.add(script.toString());
        write(script, JobScript.render(spec, image, settings.runtime(), gpus, request.runDir(), shown, stopGrace()));
        Map<String, String> carriers = new HashMap<>();
        spec.env().forEach((name, value) -> carriers.put(JobScript.carrier(name), value));
        List<String> sbatch = new ArrayList<>(args);
        sbatch.add(script.toString());
        JobGuard guard = new JobGuard(commands, monitor, control::onShutdown);
        control.bindClose(guard::close);
        if (guard.interrupted()) {
            return interruptedBeforeSubmission();
        }
        SlurmCommands.Result submitted = commands.run("sbatch", sbatch, carriers);
        if (!submitted.ok()) {
            throw refused(spec, submitted);
        }
        String jobId = submitted.out().strip().split(";")[0];
        guard.submitted(jobId);
        control.bindStop(guard::stopNow);
        log.info("Slurm job " + jobId + " submitted for " + spec.name() + (settings.partition() == null ? "" : " (partition "
                + settings.partition() + ")") + "; job script " + script);
        request.jobChanged().accept(job(new JobStatus(jobId, "PENDING", null, null, null, null, settings.partition(), null, 0)));
        return follow(jobId, request, guard);
    }

    /**
     * How long the script gives a stopped container: half of the cluster's KillWait (the time Slurm waits after
     * SIGTERM before it kills the job's processes, the script among them), so the container is gone before that.
     */
    private synchronized int stopGrace() { // once per build, however many trials ask at once
        Integer known = stopGrace;
        if (known == null) {
            SlurmCommands.Result r = commands.run("scontrol", List.of("show", "config"));
            int killWait = r.ok() ? killWait(r.out()) : DEFAULT_KILL_WAIT;
            known = Math.max(1, killWait / 2);
            stopGrace = known;
        }
        return known;
    }

    private static final int DEFAULT_KILL_WAIT = 30;

    /** "KillWait                = 10 sec" in scontrol show config; Slurm's default when absent. */
    static int killWait(String config) {
        return config.lines().map(String::strip).filter(l -> l.startsWith("KillWait ") || l.startsWith("KillWait="))
                .map(l -> l.replaceAll("[^0-9]", "")).filter(d -> !d.isEmpty()).map(Integer::parseInt).findFirst().orElse(DEFAULT_KILL_WAIT);
    }

    private ExecutionOutcome follow(String jobId, ExecutionRequest request, JobGuard guard) {
        Path runDir = request.runDir();
        Instant[] running = new Instant[1];
        int[] restartsSeen = new int[1];
        JobMonitor.Watch watch;
        JobStatus end;
        try (LogFollower follower = new LogFollower(request.rawLog(), runDir.resolve(JobScript.EXIT_FILE), request.sink(), monitor::wake)) {
            watch = monitor.watch(jobId, status -> changed(status, request.jobChanged(), running, restartsSeen));
            guard.watching(watch);
            end = await(watch, guard);
            follower.finish();
            log.debug("Slurm job " + jobId + ": " + follower.lines() + " line(s) of output; Slurm commands so far " + commands.counts());
            Instant ended = Instant.now();
            boolean sawShared = Files.exists(runDir.resolve(JobScript.MARKER));
            boolean startedAtAll = running[0] != null || end.nodes() != null;
            if (!sawShared && !(guard.interrupted() && !startedAtAll) && !"CANCELLED".equals(end.state())) {
                throw new ExpError("Slurm job " + jobId + " ended (" + end.state() + (end.reason() == null ? "" : ", " + end.reason())
                        + ") without writing its marker into " + runDir + ": the compute node" + (end.nodes() == null ? "" : " " + end.nodes())
                        + " cannot see the run directory, or cannot write it.",
                        "put the run directories on storage that the build and the compute nodes share (NFS, Lustre, GPFS): set "
                                + "<sharedDir> (-Dexp.sharedDir) to such a directory; the job's own message, if any, is in "
                                + request.rawLog() + " as the node sees it");
            }
            return outcome(end, guard, follower.tail(), running[0] != null ? running[0] : markedAt(runDir), ended);
        }
    }

    /** When the job's script started, by its marker: a job shorter than a poll is never seen running. */
    private static Instant markedAt(Path runDir) {
        try {
            return Files.getLastModifiedTime(runDir.resolve(JobScript.MARKER)).toInstant();
        } catch (IOException e) {
            return null; // it never started
        }
    }

    private JobStatus await(JobMonitor.Watch watch, JobGuard guard) {
        while (true) {
            try {
                return watch.end().get();
            } catch (InterruptedException e) {
                guard.stopNow(); // the build's thread was interrupted: the job must not outlive it
                try {
                    return watch.end().get(JobGuard.CANCEL_GRACE.toSeconds() * 2, TimeUnit.SECONDS);
                } catch (InterruptedException | ExecutionException | TimeoutException again) {
                    Thread.currentThread().interrupt();
                    throw new ExpError("Interrupted while Slurm job " + watch.last() + " was being cancelled.", "check squeue --me");
                }
            } catch (ExecutionException e) {
                throw new ExpError("Following Slurm job failed: " + e.getCause().getMessage(), "check squeue --me", e);
            }
        }
    }

    /** The log marks each start, each requeue (once per restart) and each reason a job waits for. */
    private void changed(JobStatus status, Consumer<SlurmJob> jobChanged, Instant[] running, int[] restartsSeen) {
        if (status.restarts() > restartsSeen[0]) {
            restartsSeen[0] = status.restarts();
            running[0] = null;
            log.warn("Slurm job " + status.jobId() + " was requeued by Slurm (restart " + status.restarts() + (status.reason() == null
                    ? "" : ", " + status.reason()) + "): the training starts again from its beginning when the job runs again");
        }
        if (status.running() && running[0] == null) {
            running[0] = Instant.now();
            log.info("Slurm job " + status.jobId() + " running on " + status.nodes());
        } else if (status.state().equals("PENDING") && status.reason() != null) {
            boolean held = status.reason().toLowerCase(java.util.Locale.ROOT).contains("held");
            String line = "Slurm job " + status.jobId() + " pending (" + status.reason() + ")"
                    + (held ? ": it will not run until it is released (scontrol release " + status.jobId() + ") or cancelled" : "");
            if (held) {
                log.warn(line);
            } else {
                log.info(line);
            }
        }
        jobChanged.accept(job(status));
    }

    private ExecutionOutcome outcome(JobStatus end, JobGuard guard, List<String> tail, Instant started, Instant ended) {
        // A signal wins over the high byte, as a shell reports it (128 + signal)
        Integer exit = end.signal() != null && end.signal() > 0 ? Integer.valueOf(128 + end.signal()) : end.exitCode();
        boolean interrupted = guard.interrupted() || end.state().equals("CANCELLED");
        boolean timedOut = end.state().equals("TIMEOUT");
        String failure = switch (end.state()) {
            case "COMPLETED", "FAILED", "TIMEOUT", "CANCELLED" -> null;
            case "OUT_OF_MEMORY" -> "Slurm ended job " + end.jobId() + " as OUT_OF_MEMORY: it needed more memory than its allocation"
                    + (settings.mem() == null ? "" : " (mem=" + settings.mem() + ")") + ".";
            case "NODE_FAIL" -> "Slurm ended job " + end.jobId() + " as NODE_FAIL: its node " + end.nodes() + " failed while it ran"
                    + (settings.requeue() ? "" : " (submitted with --no-requeue, so Slurm did not start the training again)") + ".";
            case "PREEMPTED" -> "Slurm ended job " + end.jobId() + " as PREEMPTED: a job of higher priority took its resources.";
            default -> "Slurm ended job " + end.jobId() + " as " + end.state() + (end.reason() == null ? "" : " (" + end.reason() + ")") + ".";
        };
        if (interrupted) {
            // Not this build's stop: someone cancelled the job (scancel, an admin); the record says so.
            failure = guard.interrupted() ? null : "Slurm job " + end.jobId() + " was cancelled outside this build (scancel, or the cluster's admin)";
        }
        ContainerOutcome container = new ContainerOutcome(null, exit, timedOut, interrupted, false, tail, List.of(), started, ended);
        return new ExecutionOutcome(container, job(end), failure);
    }

    private SlurmJob job(JobStatus s) {
        return new SlurmJob(s.jobId(), s.partition() != null ? s.partition() : settings.partition(), s.nodes(), s.state(), s.reason(),
                s.exitText(), s.elapsed(), s.restarts(), settings.runtime().text());
    }

    private List<String> submission(ContainerSpec spec, ExecutionRequest request, int gpus) {
        Map<String, String> labels = spec.labels();
        List<String> args = new ArrayList<>(List.of("--parsable", "--job-name=" + spec.name(),
                "--output=" + request.rawLog(), "--open-mode=append", "--export=ALL",
                "--comment=" + SlurmLeftovers.comment(labels.get(ContainerLabels.PROJECT), labels.get(ContainerLabels.BUILD_HOST),
                        labels.get(ContainerLabels.BUILD_PID), labels.get(ContainerLabels.BUILD_STARTED), labels.get(ContainerLabels.RUN_ID)),
                settings.requeue() ? "--requeue" : "--no-requeue"));
        if (request.timeout() != null) {
            args.add("--time=" + timeLimit(request.timeout()));
        }
        add(args, "--partition=", settings.partition());
        add(args, "--account=", settings.account());
        add(args, "--qos=", settings.qos());
        add(args, "--cpus-per-task=", settings.cpusPerTask() == null ? null : String.valueOf(settings.cpusPerTask()));
        add(args, "--mem=", settings.mem());
        if (gpus > 0) {
            args.add("--gres=gpu:" + gpus);
        }
        args.addAll(settings.sbatchArgs());
        return args;
    }

    /** Slurm's days-hours:minutes:seconds, rounded up to a whole second. */
    static String timeLimit(Duration timeout) {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        return String.format("%d-%02d:%02d:%02d", seconds / 86400, seconds % 86400 / 3600, seconds % 3600 / 60, seconds % 60);
    }

    private static void add(List<String> args, String option, String value) {
        if (value != null) {
            args.add(option + value);
        }
    }

    private static int gpuCount(ContainerSpec spec) {
        if (!spec.gpus().requested()) {
            return 0;
        }
        Integer count = spec.gpus().count();
        if (count == null || count < 1) {
            throw new ExpError("gpus=" + spec.gpus().text() + " names devices or asks for all of them; on Slurm the allocation decides "
                    + "which GPUs a job gets, so only a count can be asked.", "set <gpus> (-Dexp.gpus) or <gpusPerTrial> to a count such as 1");
        }
        return count;
    }

    private ExpError refused(ContainerSpec spec, SlurmCommands.Result r) {
        String message = r.message();
        String lower = message.toLowerCase();
        String fix = lower.contains("partition") ? "set <partition> (-Dexp.partition) to one that sinfo lists, or leave it unset for the default"
                : lower.contains("account") ? "set <account> (-Dexp.account) to one of yours (sacctmgr show associations user=$USER)"
                : lower.contains("qos") ? "set <qos> (-Dexp.qos) to one your account may use"
                : lower.contains("gres") || lower.contains("gpu") ? "ask for fewer GPUs, or a partition whose nodes have them (sinfo -o '%P %G')"
                : "check partition, account, qos, cpusPerTask, mem and sbatchArgs against what the cluster offers";
        return new ExpError("Slurm refused the job of " + spec.name() + " (sbatch exited with " + r.exit() + "): " + message
                + ". Nothing was queued.", fix);
    }

    private static ExecutionOutcome interruptedBeforeSubmission() {
        return ExecutionOutcome.of(new ContainerOutcome(null, null, false, true, false, List.of(), List.of(), null, null));
    }

    private static void write(Path script, String text) {
        try {
            Files.writeString(script, text);
            script.toFile().setExecutable(true, true);
        } catch (IOException e) {
            throw new ExpError("Cannot write the job script " + script + ": " + e.getMessage(), "check that the run directory is writable", e);
        }
    }

    @Override
    public List<Leftover> sweepLeftovers(String projectCoordinates, Consumer<Leftover> beforeRemoval) {
        return new SlurmLeftovers(commands, log).cancel(projectCoordinates, beforeRemoval);
    }

    @Override
    public void close() {
        log.debug("Slurm commands run by this build: " + commands.counts());
        monitor.close();
    }
}
