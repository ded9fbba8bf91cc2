package dev.exprun.run;

import dev.exprun.core.ExpError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
