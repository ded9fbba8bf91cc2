package dev.exprun.run;

import dev.exprun.container.Mount;
import dev.exprun.core.ExpError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a run keeps its files: {@code target/exp/runs/<runId>/} with the record, the raw log, the
 * patch, the script's inputs ({@code in/}, read-only in the container), the plugin's runtime
 * ({@code lib/}) and the script's outputs ({@code out/}).
 */
public record RunDirectory(Path root) {
    public static final String CONTAINER_WORKSPACE = "/workspace";
    public static final String CONTAINER_OUT = "/exp/out";
    public static final String CONTAINER_IN = "/exp/in";
    public static final String CONTAINER_LIB = "/exp/lib";

    /** The run directory of a run of this build directory, whether or not it exists. */
    public static RunDirectory of(Path buildDir, String runId) {
        return new RunDirectory(buildDir.resolve("exp").resolve("runs").resolve(runId).toAbsolutePath());
    }

    /** The run directory, made (out, in, lib), or one error that names the build directory and the fix. */
    public static RunDirectory created(Path buildDir, String runId) {
        RunDirectory dir = of(buildDir, runId);
        try {
            Files.createDirectories(dir.out());
            Files.createDirectories(dir.in());
            Files.createDirectories(dir.lib());
            return dir;
        } catch (IOException e) {
            throw new ExpError("Cannot create the run directory under " + buildDir + ": " + e.getMessage(),
                    "check that the build directory is writable", e);
        }
    }

    /**
     * The run directory made under sharedDir (storage the compute nodes see, executor=slurm), with a link to it
     * where the project keeps its runs, so that history, verify and tag find it as any other; sharedDir null: the
     * project's own.
     */
    public static RunDirectory created(Path buildDir, String runId, Path sharedDir) {
        Path local = of(buildDir, runId).root();
        if (sharedDir == null || sharedDir.equals(local.getParent())) {
            return created(buildDir, runId);
        }
        RunDirectory dir = new RunDirectory(sharedDir.resolve(runId));
        try {
            Files.createDirectories(dir.out());
            Files.createDirectories(dir.in());
            Files.createDirectories(dir.lib());
        } catch (IOException e) {
            throw new ExpError("Cannot create the run directory under the sharedDir " + sharedDir + ": " + e.getMessage(),
                    "check that <sharedDir> (-Dexp.sharedDir) exists on shared storage and is writable by the build");
        }
        try {
            Files.createDirectories(local.getParent());
            Files.createSymbolicLink(local, dir.root());
        } catch (IOException e) {
            throw new ExpError("Cannot link " + local + " to the run directory " + dir.root() + ": " + e.getMessage(),
                    "check that the build directory is writable", e);
        }
        return dir;
    }

    /** The container's mounts: the work tree at /workspace (read-only or not), then out, in (read-only) and lib (read-only). */
    public List<Mount> mounts(Path workspace, boolean workspaceReadOnly) {
        return List.of(
                new Mount(workspace, CONTAINER_WORKSPACE, workspaceReadOnly),
                new Mount(out(), CONTAINER_OUT, false),
                new Mount(in(), CONTAINER_IN, true),
                new Mount(lib(), CONTAINER_LIB, true));
    }

    /** Copies the plugin's runtime (exprun.py, the GPU check) into lib. */
    public void installRuntime() {
        try {
            RuntimeFiles.install(lib());
        } catch (IOException e) {
            throw new ExpError("Cannot prepare " + lib() + ": " + e.getMessage(), "check that the build directory is writable", e);
        }
    }

    /** The Slurm job's script, kept with the run (attached as exp-job). */
    public Path jobScript() {
        return root.resolve(dev.exprun.slurm.JobScript.FILE);
    }

    /** target/exp/last-run.json: the newest record of this project's exp:run, which exp:verify and exp:tag act on. */
    public static Path lastRun(Path buildDir) {
        return buildDir.resolve("exp").resolve("last-run.json");
    }

    /**
     * target/exp/last-reproduction.json: the newest exp:reproduce. Kept apart from last-run.json, so that
     * checking whether an old run reproduces never changes which run a later exp:verify or exp:tag judges.
     */
    public static Path lastReproduction(Path buildDir) {
        return buildDir.resolve("exp").resolve("last-reproduction.json");
    }

    public Path record() {
        return root.resolve("run.json");
    }

    public Path log() {
        return root.resolve("log.txt");
    }

    public Path patch() {
        return root.resolve("diff.patch");
    }

    public Path in() {
        return root.resolve("in");
    }

    public Path lib() {
        return root.resolve("lib");
    }

    public Path out() {
        return root.resolve("out");
    }

    public Path params() {
        return in().resolve("params.json");
    }

    public Path provenance() {
        return in().resolve("provenance.json");
    }

    public Path metrics() {
        return out().resolve("metrics.json");
    }

    public Path metricsSeries() {
        return out().resolve("metrics.jsonl");
    }
}
