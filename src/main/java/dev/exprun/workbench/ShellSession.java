package dev.exprun.workbench;

import dev.exprun.container.AttachedContainer;
import dev.exprun.container.ContainerSpec;
import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.run.RunConfiguration;
import java.util.List;
import java.util.Map;

/**
 * {@code exp:shell}: a shell in the run's container (the same image by digest, mounts, user, environment, GPUs), with the
 * work tree mounted read-write, attached to the build's terminal or pipes. Not a run: nothing is recorded or noted.
 */
public final class ShellSession {
    /** bash where the image has it, else sh; decided inside the container, which is the only place that knows. */
    static final List<String> DEFAULT_COMMAND = List.of("/bin/sh", "-c",
            "if command -v bash >/dev/null 2>&1; then exec bash; fi; exec sh");

    private final ExpLog log;

    public ShellSession(ExpLog log) {
        this.log = log;
    }

    /**
     * Runs the configured command (its command or commandLine; none: bash, else sh) until it exits. A non-zero exit code
     * is a failure naming the code; a shutdown (Ctrl-C, SIGTERM) stops and removes the container first.
     */
    public void run(RunConfiguration config, Terminal terminal) {
        try (SessionContainer session = SessionContainer.prepare(log, config, "shell", "exp:shell")) {
            List<String> command = session.settings().command().isEmpty() ? DEFAULT_COMMAND : session.settings().command();
            String shown = command == DEFAULT_COMMAND ? "bash (sh where the image has no bash)" : String.join(" ", command);
            ContainerSpec spec = session.spec(command, Map.of());
            log.info("Shell in " + session.image() + ": " + shown + ", work tree at /workspace ("
                    + (session.settings().workspaceReadOnly() ? "read-only" : "read-write") + "), "
                    + (terminal.tty() ? "in a terminal" : "on plain stdin and stdout") + ".");
            session.logNotRecorded();
            flushLogs();
            // After the log lines: in raw mode a line feed no longer returns the carriage, so they would stair-step.
            RawMode raw = terminal.tty() ? RawMode.enter(log) : null;
            AttachedContainer.Ended ended;
            try {
                ended = session.run(spec, new AttachedContainer.Io(terminal.in(), terminal.out(), terminal.err(), raw != null,
                        raw == null ? 0 : raw.rows(), raw == null ? 0 : raw.columns()), List.of(), id -> { });
            } finally {
                if (raw != null) {
                    raw.close();
                }
            }
            if (ended.interrupted()) {
                throw new ExpFailure("The shell session was interrupted; its container was stopped and removed.",
                        "start it again with mvn exp:shell");
            }
            session.requireGpus(ended, "The shell");
            if (ended.exitCode() == null || ended.exitCode() != 0) {
                throw new ExpFailure("The shell exited with code " + ended.exitCode() + ".",
                        "the last command in the session failed; see its output above (exp:shell passes the shell's exit code on)");
            }
            log.info("The shell exited with code 0; its container was removed.");
        }
    }

    /** Maven's log lines before the session's bytes, which go to the file descriptors directly. */
    private static void flushLogs() {
        System.out.flush();
        System.err.flush();
    }
}
