package dev.exprun.workbench;

import dev.exprun.testing.Projects;
import dev.exprun.testing.StdoutLog;
import java.nio.file.Path;

/**
 * exp:shell in a second JVM, its stdin a pipe from the test, so tests can send it SIGTERM or SIGKILL as Ctrl-C or a killed
 * CI job would. A third argument {@code tty}: the build's own streams, a terminal when the JVM has one (run under script).
 */
public final class ShellHarness {
    public static void main(String[] args) {
        new ShellSession(new StdoutLog()).run(Projects.config(Path.of(args[0]), args[1]).build(),
                args.length > 2 && args[2].equals("tty") ? Terminal.system() : new Terminal(System.in, System.out, System.err, false));
    }
}
