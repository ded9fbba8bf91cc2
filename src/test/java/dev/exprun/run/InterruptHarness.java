package dev.exprun.run;

import dev.exprun.core.ExpLog;
import dev.exprun.testing.Projects;
import dev.exprun.testing.StdoutLog;
import java.nio.file.Path;

/** A build in a separate JVM, so tests can send it SIGTERM or SIGKILL as Ctrl-C or a killed CI job would. */
public final class InterruptHarness {
    public static void main(String[] args) {
        ExpLog log = new StdoutLog();
        new ExperimentRunner(log).run(Projects.config(Path.of(args[0]), args[1], "sh", "-c", "echo started; exec sleep 120").build());
    }
}
