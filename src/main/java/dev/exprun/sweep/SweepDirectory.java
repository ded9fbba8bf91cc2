package dev.exprun.sweep;

import java.nio.file.Path;

/** Where a sweep keeps its files: {@code target/exp/sweeps/<sweepId>/} with sweep.json, sweep.csv and the dirty tree's patch. */
public record SweepDirectory(Path root) {
    public static SweepDirectory of(Path buildDir, String sweepId) {
        return new SweepDirectory(buildDir.resolve("exp").resolve("sweeps").resolve(sweepId).toAbsolutePath());
    }

    /** target/exp/last-sweep.json: the newest sweep of this project, which -Dexp.resume=true continues. */
    public static Path last(Path buildDir) {
        return buildDir.resolve("exp").resolve("last-sweep.json");
    }

    public Path record() {
        return root.resolve("sweep.json");
    }

    public Path csv() {
        return root.resolve("sweep.csv");
    }

    public Path patch() {
        return root.resolve("diff.patch");
    }
}
