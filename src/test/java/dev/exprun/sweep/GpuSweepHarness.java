package dev.exprun.sweep;

import dev.exprun.testing.Projects;
import dev.exprun.testing.StdoutLog;
import java.nio.file.Path;

/**
 * A GPU sweep in its own JVM, as a second build in another work tree would run one: four trials, one GPU
 * each of 0,1,2,3, four at once. Args: work tree, project, lease dir.
 */
public final class GpuSweepHarness {
    public static void main(String[] args) {
        Projects.Config run = Projects.config(Path.of(args[0]), args[1], "sh", "-c", "echo training");
        run.gpuRequest = "nvidia";
        run.hostEnv.put("EXPRUN_LEASE_DIR", args[2]);
        Sweeps sweep = new Sweeps();
        sweep.line = "x=1,2,3,4";
        sweep.gpusPerTrial = "1";
        sweep.gpuDevices = "0,1,2,3";
        sweep.failurePolicy = "ignore";
        try {
            new SweepRunner(new StdoutLog()).run(sweep.of(run.build()));
        } catch (RuntimeException e) {
            // No GPU here: every trial fails its GPU check (Podman) or is refused (Docker) after leasing its device.
            System.out.println("ended: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
