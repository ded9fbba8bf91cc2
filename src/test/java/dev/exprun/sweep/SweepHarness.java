package dev.exprun.sweep;

import dev.exprun.core.ExpLog;
import dev.exprun.testing.Projects;
import dev.exprun.testing.StdoutLog;
import java.nio.file.Path;

/**
 * A sweep in a separate JVM, so tests can send it SIGTERM as Ctrl-C would: three trials one at a time;
 * t01 ends at once, the others print "started" and sleep $NAP seconds.
 */
public final class SweepHarness {
    public static void main(String[] args) {
        ExpLog log = new StdoutLog();
        Projects.Config run = Projects.config(Path.of(args[0]), args[1], "sh", "-c", SweepEngineTest.NAPPING);
        run.env.put("NAP", args[2]);
        Sweeps sweep = new Sweeps();
        sweep.line = "x=1,2,3";
        sweep.parallel = "1";
        new SweepRunner(log).run(sweep.of(run.build()));
    }
}
