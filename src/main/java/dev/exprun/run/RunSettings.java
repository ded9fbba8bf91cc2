package dev.exprun.run;

import dev.exprun.artifacts.OutputCollector;
import dev.exprun.artifacts.OutputSpec;
import dev.exprun.cache.CacheSettings;
import dev.exprun.container.GpuRequest;
import dev.exprun.container.GpuRequestMode;
import dev.exprun.container.ImageReference;
import dev.exprun.container.PullPolicy;
import dev.exprun.container.ContainerSpec.Limits;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpFailure;
import dev.exprun.slurm.SlurmSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The checked form of a {@link RunConfiguration}: every bad value is refused here, before anything runs. */
public record RunSettings(
        ImageReference image,
        PullPolicy pull,
        DirtyPolicy dirty,
        boolean workspaceReadOnly,
        String user,
        long shmSizeBytes,
        String network,
        Map<String, String> env,
        Duration timeout,
        List<String> command,
        GpuRequest gpus,
        GpuRequestMode gpuRequest,
        Map<String, Object> params,
        List<OutputSpec> outputs,
        boolean recordInGit,
        Limits limits,
        Duration gpuWait,
        SlurmSettings slurm,
        CacheSettings cache) {

    static final String DEFAULT_SHM = "2g";
    static final String HOST_USER = "host";
    static final String IMAGE_USER = "image";

    public static RunSettings from(RunConfiguration c) {
        return from(c, true);
    }

    /**
     * The settings of a container that runs no training command (exp:devcontainer's editor): every other setting is
     * checked as for a run, and the command is as configured, possibly none (the goal's configuration may lack it).
     */
    public static RunSettings withoutCommand(RunConfiguration c) {
        return from(c, false);
    }

    private static RunSettings from(RunConfiguration c, boolean commandRequired) {
        ImageReference image = image(c);
        long shm = shm(c);
        c.outputs().forEach(OutputCollector::validate);
        GpuRequest gpus = GpuRequest.parse(c.gpus());
        GpuRequestMode gpuRequest = gpuRequest(c, gpus);
        Map<String, Object> params = Params.merge(c.params(), c.paramOverrides());
        return new RunSettings(image, PullPolicy.parse(c.pull()), DirtyPolicy.parse(c.dirty()),
                workspaceReadOnly(c.workspaceMount(), "ro"), blankTo(c.user(), HOST_USER).trim(), shm, blankTo(c.network(), null),
                checkedEnv(c.env()), ConfigValues.duration(c.timeout(), "timeout", "exp.timeout"), command(c, commandRequired),
                gpus, gpuRequest, params, c.outputs(), recordInGit(c.recordInGit()), Limits.NONE,
                ConfigValues.gpuWait(c.gpuWait()), slurm(c, gpus), CacheSettings.from(c.cache(), params));
    }

    /**
     * An interactive session in the run's container (exp:shell, exp:notebook): image, user, env, params, shm and GPUs are
     * checked as a run's, but the work tree is mounted read-write unless workspaceMount says ro (a session is for editing),
     * uncommitted changes are fine (nothing is recorded), nothing is cached or noted, and the command may be empty (the
     * session then picks its own). Sessions run on the build's own engine whatever the executor.
     */
    public static RunSettings forSession(RunConfiguration c) {
        ImageReference image = image(c);
        long shm = shm(c);
        GpuRequest gpus = GpuRequest.parse(c.gpus());
        GpuRequestMode gpuRequest = gpuRequest(c, gpus);
        Map<String, Object> params = Params.merge(c.params(), c.paramOverrides());
        List<String> command = c.commandLine() != null && !c.commandLine().isBlank() ? CommandLine.split(c.commandLine())
                : c.command() == null ? List.of() : List.copyOf(c.command());
        return new RunSettings(image, PullPolicy.parse(c.pull()), DirtyPolicy.ALLOW, workspaceReadOnly(c.workspaceMount(), "rw"),
                blankTo(c.user(), HOST_USER).trim(), shm, blankTo(c.network(), null), checkedEnv(c.env()), null, command, gpus,
                gpuRequest, params, List.of(), false, Limits.NONE, null, null, CacheSettings.from(null, params));
    }

    private static ImageReference image(RunConfiguration c) {
        ImageReference image = ImageReference.parse(c.image());
        if (c.requirePinnedImage() && !image.pinned()) {
            throw new ExpFailure("The image " + image + " is not pinned by digest, and requirePinnedImage is on.",
                    "use " + image.name() + "@sha256:<digest> in <image> (docker inspect --format '{{index .RepoDigests 0}}' "
                            + image + " shows it), or set <requirePinnedImage>false</requirePinnedImage>");
        }
        return image;
    }

    private static long shm(RunConfiguration c) {
        long shm = ConfigValues.size(blankTo(c.shmSize(), DEFAULT_SHM), "shmSize", "exp.shmSize");
        if (shm < (64L << 20)) {
            throw new ExpError("The shmSize " + c.shmSize() + " is below 64m, which breaks PyTorch DataLoader workers.",
                    "set <shmSize> (-Dexp.shmSize) to 1g or more");
        }
        return shm;
    }

    private static GpuRequestMode gpuRequest(RunConfiguration c, GpuRequest gpus) {
        GpuRequestMode gpuRequest = GpuRequestMode.parse(c.gpuRequest());
        if (gpus.requested() && gpuRequest != GpuRequestMode.AUTO) {
            gpus.deviceRequest(gpuRequest); // a count asked as CDI, or CDI names asked as nvidia: refused before anything runs
        }
        return gpuRequest;
    }

    /** Where run directories go when it is not the project's target/exp/runs (Slurm's sharedDir); else null. */
    public java.nio.file.Path sharedDir() {
        return slurm == null ? null : slurm.sharedDir();
    }

    /**
     * The user the container runs as: the build's uid:gid for {@code host} (null where the host has no such notion),
     * null for {@code image} (the image's own), else as configured.
     */
    public String containerUser() {
        return switch (user) {
            case HOST_USER -> HostUser.uidGid();
            case IMAGE_USER -> null;
            default -> user;
        };
    }

    /** True when runs go to Slurm as jobs (executor=slurm); false for the build's own engine. */
    public boolean onSlurm() {
        return slurm != null;
    }

    /** The Slurm settings with executor=slurm; null for the local engine. */
    private static SlurmSettings slurm(RunConfiguration c, GpuRequest gpus) {
        String executor = blankTo(c.executor(), "local").trim().toLowerCase(java.util.Locale.ROOT);
        if (executor.equals("local")) {
            return null;
        }
        if (!executor.equals("slurm")) {
            throw new ExpError("The executor '" + c.executor() + "' is not local or slurm.",
                    "set <executor> (-Dexp.executor) to local (the build's engine) or slurm (jobs through sbatch)");
        }
        if (gpus.requested() && (gpus.count() == null || gpus.count() < 1)) {
            throw new ExpError("gpus=" + gpus.text() + " names devices or asks for all of them; on Slurm the allocation decides which "
                    + "GPUs a job gets, so only a count can be asked.", "set <gpus> (-Dexp.gpus) to a count such as 1");
        }
        return SlurmSettings.from(c.slurm() == null ? dev.exprun.slurm.SlurmConfiguration.NONE : c.slurm(), c.baseDir());
    }

    /** A sweep's trial: the build's settings with the trial's params, its leased GPUs and the per-trial limits. */
    public RunSettings forTrial(Map<String, Object> trialParams, GpuRequest trialGpus, Limits trialLimits) {
        return new RunSettings(image, pull, dirty, workspaceReadOnly, user, shmSizeBytes, network, env, timeout, command,
                trialGpus, gpuRequest, trialParams, outputs, recordInGit, trialLimits, gpuWait, slurm, cache.forParams(trialParams));
    }

    /** recordInGit as written (notes or none; blank: notes), checked. */
    public static boolean recordInGit(String value) {
        String v = blankTo(value, "notes").trim().toLowerCase();
        if (!v.equals("notes") && !v.equals("none")) {
            throw new ExpError("The recordInGit '" + value + "' is not notes or none.", "set <recordInGit> (-Dexp.recordInGit) to notes or none");
        }
        return v.equals("notes");
    }

    /** fallback: the goal's own default (ro for a run, rw for a session). */
    private static boolean workspaceReadOnly(String value, String fallback) {
        String v = blankTo(value, fallback).trim().toLowerCase();
        if (!v.equals("ro") && !v.equals("rw")) {
            throw new ExpError("The workspaceMount '" + value + "' is not ro or rw.", "set <workspaceMount> (-Dexp.workspaceMount) to ro or rw");
        }
        return v.equals("ro");
    }

    private static List<String> command(RunConfiguration c, boolean required) {
        List<String> command = c.commandLine() != null && !c.commandLine().isBlank()
                ? CommandLine.split(c.commandLine())
                : c.command() == null ? List.of() : c.command();
        if (command.isEmpty() && !required) {
            return List.of();
        }
        if (command.isEmpty() || command.stream().anyMatch(a -> a == null)) {
            throw new ExpError("No command to run is configured.",
                    "add <command><arg>python3</arg><arg>train.py</arg></command> to the plugin configuration, or pass -Dexp.command=\"python3 train.py\"");
        }
        return List.copyOf(command);
    }

    private static Map<String, String> checkedEnv(Map<String, String> env) {
        for (String name : env.keySet()) {
            if (name.startsWith("EXP_")) {
                throw new ExpError("The environment variable " + name + " in <env> uses the EXP_ prefix the plugin reserves.",
                        "rename it; the plugin sets EXP_* itself (see the container contract in the README)");
            }
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new ExpError("'" + name + "' in <env> is not a valid environment variable name.", "use letters, digits and _");
            }
        }
        return env;
    }

    private static String blankTo(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
