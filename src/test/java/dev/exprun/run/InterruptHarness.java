package dev.exprun.run;

import dev.exprun.core.ExpLog;
import dev.exprun.testing.Projects;
import java.nio.file.Path;

/** A build in a separate JVM, so tests can send it SIGTERM or SIGKILL as Ctrl-C or a killed CI job would. */
public final class InterruptHarness {
    public static void main(String[] args) {
        ExpLog log = new ExpLog() {
            @Override
            public void info(String message) {
                System.out.println(message);
                System.out.flush();
            }

            @Override
            public void warn(String message) {
                System.out.println("WARN " + message);
                System.out.flush();
            }

            @Override
            public void debug(String message) {
            }
        };
        new ExperimentRunner(log).run(Projects.config(Path.of(args[0]), args[1], "sh", "-c", "echo started; exec sleep 120").build());
    }
}
