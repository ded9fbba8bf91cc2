package dev.exprun.workbench;

import dev.exprun.testing.Projects;
import dev.exprun.testing.StdoutLog;
import java.nio.file.Path;

/** exp:shell in a second JVM, its stdin a pipe from the test, so tests can send it SIGTERM or SIGKILL as Ctrl-C or a killed CI job would. */
public final class ShellHarness {
    public static void main(String[] args) {
        new ShellSession(new StdoutLog()).run(Projects.config(Path.of(args[0]), args[1]).build(),
                new Terminal(System.in, System.out, System.err, false));
    }
}
