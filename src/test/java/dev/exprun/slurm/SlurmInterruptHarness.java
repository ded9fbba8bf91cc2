package dev.exprun.slurm;

import dev.exprun.run.ExperimentRunner;
import dev.exprun.testing.Projects;
import dev.exprun.testing.StdoutLog;
import dev.exprun.testing.TestSlurm;
import java.nio.file.Path;

/** A build with executor=slurm in a separate JVM, so tests can send it SIGTERM or SIGKILL while its job runs. */
public final class SlurmInterruptHarness {
    public static void main(String[] args) {
        new ExperimentRunner(new StdoutLog()).run(TestSlurm.onSlurm(
                Projects.config(Path.of(args[0]), args[1], "sh", "-c", "echo started; exec sleep 120")).build());
    }
}
