package dev.exprun.workbench;

import dev.exprun.testing.Projects;
import dev.exprun.testing.StdoutLog;
import java.io.InputStream;
import java.nio.file.Path;

/** exp:notebook in a second JVM (repo, project, image, port), so tests can send it SIGTERM or SIGKILL as Ctrl-C or a killed CI job would. */
public final class NotebookHarness {
    public static void main(String[] args) {
        Projects.Config config = Projects.config(Path.of(args[0]), args[1]);
        config.image = args[2];
        new NotebookSession(new StdoutLog()).run(config.build(), new NotebookAddress("127.0.0.1", Integer.parseInt(args[3])),
                new Terminal(InputStream.nullInputStream(), System.out, System.err, false));
    }
}
