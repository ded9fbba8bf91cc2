package dev.exprun.slurm;

import dev.exprun.container.ContainerSpec;
import dev.exprun.container.Mount;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The batch script of a run's Slurm job: it proves the node sees the run directory (a marker written
 * there before training), then runs the pinned image with the same mounts, environment names, user,
 * labels and in-container GPU check as a local run, and exits with the container's exit code.
 * <p>
 * Every value in it is quoted ({@link ShellQuote}). Environment VALUES are never in it (they may be
 * secrets, and the script is attached to the build): the job's environment carries each one as
 * {@code EXPRUN_ENV_<NAME>}, and the script hands it to the container under its own name.
 */
public final class JobScript {
    /** The node's own exit codes when the job cannot start the container (a container exits with its own). */
    public static final int NO_SHARED_DIR = 97;
    public static final int NO_RUNTIME = 98;
    public static final String MARKER = "job-marker";
    /** Written with the container's exit code when it has ended: the build then asks Slurm at once. */
    public static final String EXIT_FILE = "job-exit";
    public static final String FILE = "job.sh";
    static final String ENV_PREFIX = "EXPRUN_ENV_";

    private JobScript() {
    }

    /** The job environment variable that carries the container's variable name. */
    public static String carrier(String name) {
        return ENV_PREFIX + name;
    }

    /**
     * image: as the runtime on the node pulls or finds it (by digest); gpus: the count asked of Slurm (0: none);
     * submission: the sbatch command line, shown in the script for whoever reads it; stopGrace: how long a stopped
     * container has between SIGTERM and SIGKILL, within Slurm's KillWait (after which Slurm kills the script itself).
     */
    public static String render(ContainerSpec spec, String image, ContainerRuntime runtime, int gpus, Path runDir, List<String> submission,
                                int stopGrace) {
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/bash\n");
        s.append("# exp-maven-plugin: the Slurm job of ").append(spec.name()).append(", its container run by ").append(runtime.text()).append(".\n");
        s.append("# Submitted as: ").append(ShellQuote.join(submission).replace("\n", "\n#   ")).append('\n');
        s.append("# Environment values are not in this file: the job's environment carries each as ").append(ENV_PREFIX).append("<NAME>.\n");
        s.append("set -u\n");
        s.append("run_dir=").append(ShellQuote.quote(runDir.toString())).append('\n');
        s.append("name=").append(ShellQuote.quote(spec.name())).append('\n');
        s.append("echo \"exprun-job: job ${SLURM_JOB_ID:-?} on $(hostname) (restart ${SLURM_RESTART_COUNT:-0})\"\n");
        // The marker proves the node sees the run directory before anything trains; the build checks it afterwards.
        s.append("if ! printf '%s %s %s\\n' \"${SLURM_JOB_ID:-}\" \"$(hostname)\" \"${SLURM_RESTART_COUNT:-0}\" > \"$run_dir/")
                .append(MARKER).append("\"; then\n");
        s.append("  echo \"exprun-job: FAILED: the node $(hostname) cannot write the run directory $run_dir\" >&2\n");
        s.append("  exit ").append(NO_SHARED_DIR).append('\n');
        s.append("fi\n");
        s.append("rm -f \"$run_dir/").append(EXIT_FILE).append("\"\n");
        switch (runtime) {
            case PODMAN, DOCKER -> engine(s, spec, image, runtime, gpus, stopGrace);
            case APPTAINER -> apptainer(s, spec, image, gpus);
            case PYXIS -> pyxis(s, spec, image);
        }
        // Slurm's stop (scancel, the time limit) is SIGTERM to this shell: stop the container, then wait for its code.
        s.append("trap 'stopping=1; stop_container' TERM INT\n");
        s.append("stopping=\n");
        s.append("start_container </dev/null &\n");
        s.append("child=$!\n");
        s.append("while :; do stopping=; wait \"$child\"; rc=$?; [ -z \"$stopping\" ] && break; done\n");
        s.append("printf '%s\\n' \"$rc\" > \"$run_dir/").append(EXIT_FILE).append("\"\n");
        s.append("exit \"$rc\"\n");
        return s.toString();
    }

    private static void findRuntime(StringBuilder s, String... names) {
        s.append("runtime=$(command -v ").append(names[0]).append(names.length > 1 ? " || command -v " + names[1] : "")
                .append(") || { echo \"exprun-job: FAILED: ").append(names[0]).append(" is not on the PATH of $(hostname)\" >&2; exit ")
                .append(NO_RUNTIME).append("; }\n");
    }

    private static void engine(StringBuilder s, ContainerSpec spec, String image, ContainerRuntime runtime, int gpus, int stopGrace) {
        findRuntime(s, runtime.text());
        s.append("gpu_args=()\n");
        if (gpus > 0) {
            // Slurm's allocation decides the GPUs (SLURM_JOB_GPUS, the node's indexes); the check in the container verifies them.
            if (runtime == ContainerRuntime.PODMAN) {
                s.append("IFS=, read -ra gpu_ids <<< \"${SLURM_JOB_GPUS:-}\"\n");
                s.append("for id in ${gpu_ids[@]+\"${gpu_ids[@]}\"}; do gpu_args+=(--device \"nvidia.com/gpu=$id\"); done\n");
            } else {
                s.append("[ -n \"${SLURM_JOB_GPUS:-}\" ] && gpu_args+=(--gpus \"\\\"device=${SLURM_JOB_GPUS}\\\"\")\n");
            }
        }
        List<String> line = new ArrayList<>();
        line.add("\"$runtime\" run --rm --name \"$name\"");
        List<String> args = new ArrayList<>();
        for (String env : new TreeMap<>(spec.env()).keySet()) {
            args.add("--env");
            args.add(env);
        }
        new TreeMap<>(spec.labels()).forEach((k, v) -> {
            args.add("--label");
            args.add(k + "=" + v);
        });
        for (Mount m : spec.mounts()) {
            args.add("--volume");
            args.add(m.hostPath() + ":" + m.containerPath() + (m.readOnly() ? ":ro" : ":rw"));
        }
        args.add("--workdir");
        args.add(spec.workingDir());
        if (spec.user() != null) {
            args.add("--user");
            args.add(spec.user());
        }
        args.add("--shm-size");
        args.add(spec.shmSizeBytes() + "b");
        if (spec.network() != null) {
            args.add("--network");
            args.add(spec.network());
        }
        if (spec.limits().nanoCpus() != null) {
            args.add("--cpus");
            args.add(String.valueOf(spec.limits().nanoCpus() / 1e9));
        }
        if (spec.limits().memoryBytes() != null) {
            args.add("--memory");
            args.add(spec.limits().memoryBytes() + "b");
            args.add("--memory-swap");
            args.add(spec.limits().memoryBytes() + "b");
        }
        line.add(ShellQuote.join(args));
        line.add("${gpu_args[@]+\"${gpu_args[@]}\"}"); // (bash before 4.4 calls an empty array unbound under set -u)
        line.add(ShellQuote.quote(image));
        line.add(ShellQuote.join(spec.command()));
        s.append("start_container() {\n");
        s.append("  ").append(assignments(spec.env())).append("exec ").append(String.join(" \\\n    ", line)).append('\n');
        s.append("}\n");
        s.append("stop_container() { \"$runtime\" stop --time ").append(stopGrace).append(" \"$name\" >/dev/null 2>&1; }\n");
    }

    private static void apptainer(StringBuilder s, ContainerSpec spec, String image, int gpus) {
        findRuntime(s, "apptainer", "singularity");
        List<String> args = new ArrayList<>(List.of("exec", "--cleanenv", "--no-home"));
        for (Mount m : spec.mounts()) {
            args.add("--bind");
            args.add(m.hostPath() + ":" + m.containerPath() + (m.readOnly() ? ":ro" : ":rw"));
        }
        args.add("--pwd");
        args.add(spec.workingDir());
        if (gpus > 0) {
            args.add("--nv"); // the GPUs of the allocation (CUDA_VISIBLE_DEVICES)
        }
        args.add("docker://" + image);
        args.addAll(spec.command());
        s.append("start_container() {\n");
        // SingularityCE reads SINGULARITYENV_*, Apptainer APPTAINERENV_*
        s.append("  case \"${runtime##*/}\" in singularity) p=SINGULARITYENV_ ;; *) p=APPTAINERENV_ ;; esac\n");
        for (String name : new TreeMap<>(spec.env()).keySet()) {
            s.append("  export \"${p}").append(name).append("=${").append(carrier(name)).append("-}\"\n");
        }
        s.append("  exec \"$runtime\" ").append(ShellQuote.join(args)).append('\n');
        s.append("}\n");
        s.append("stop_container() { kill -TERM \"$child\" 2>/dev/null; }\n");
    }

    private static void pyxis(StringBuilder s, ContainerSpec spec, String image) {
        findRuntime(s, "srun");
        List<String> mounts = spec.mounts().stream()
                .map(m -> m.hostPath() + ":" + m.containerPath() + (m.readOnly() ? ":ro" : "")).toList();
        List<String> args = new ArrayList<>(List.of("--ntasks=1", "--container-image=" + image,
                "--container-mounts=" + String.join(",", mounts), "--container-workdir=" + spec.workingDir(),
                "--no-container-mount-home"));
        if (!spec.env().isEmpty()) {
            args.add("--container-env=" + String.join(",", new TreeMap<>(spec.env()).keySet()));
        }
        args.addAll(spec.command());
        s.append("start_container() {\n");
        s.append("  ").append(assignments(spec.env())).append("exec \"$runtime\" ").append(ShellQuote.join(args)).append('\n');
        s.append("}\n");
        s.append("stop_container() { kill -TERM \"$child\" 2>/dev/null; }\n");
    }

    /**
     * Each variable under its own name, from its carrier, as assignments on the exec line: bash expands the command's
     * words before they take effect, so a variable named like the script's own (runtime, name, gpu_args) changes nothing.
     */
    private static String assignments(Map<String, String> env) {
        StringBuilder a = new StringBuilder();
        for (String name : new TreeMap<>(env).keySet()) {
            a.append(name).append("=\"${").append(carrier(name)).append("-}\" ");
        }
        return a.toString();
    }
}
