package dev.exprun.workbench;

import dev.exprun.container.AttachedContainer;
import dev.exprun.container.ContainerSpec;
import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.run.RunConfiguration;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * {@code exp:notebook}: Jupyter in the run's container (the same image by digest, mounts, user, environment, GPUs), the
 * work tree read-write, published on the host at bindAddress:port, until Ctrl-C. Not a run: nothing is recorded or noted.
 */
public final class NotebookSession {
    static final String NO_JUPYTER = "exprun: no Jupyter in this image";
    static final String STOPPED = "Jupyter stopped; its container was removed.";
    /** What Jupyter logs once it serves (notebook 5 to 7, jupyter_server), after the lines with its URLs. */
    private static final String READY = "Use Control-C to stop this server";
    /**
     * The token comes on stdin, so that it is in no file: not in the container's configuration (Cmd, Env) that the engine
     * keeps on disk, nor in Jupyter's command line; JUPYTER_TOKEN is how every Jupyter since notebook 5 takes it, and
     * Jupyter then logs it as "...". Its runtime files (which hold the token) go to /dev/shm, a tmpfs. Jupyter's own
     * command where the image has it, else the notebook module; neither: a marker line and 127, as a shell says it.
     * --allow-root only where the container's user is root, which only the container knows (user=image).
     */
    static final String START = String.join("\n",
            "IFS= read -r JUPYTER_TOKEN || true",
            "[ -n \"$JUPYTER_TOKEN\" ] || { echo 'exprun: no token on stdin' >&2; exit 2; }",
            "export JUPYTER_TOKEN",
            "JUPYTER_RUNTIME_DIR=/dev/shm/jupyter-runtime; export JUPYTER_RUNTIME_DIR",
            "[ -w \"${HOME:-/}\" ] || { HOME=/tmp; export HOME; }",
            "if [ \"$(id -u 2>/dev/null)\" = 0 ]; then set -- \"$@\" --allow-root; fi",
            "if command -v jupyter-notebook >/dev/null 2>&1; then exec jupyter-notebook \"$@\"; fi",
            "if python3 -c 'import notebook' >/dev/null 2>&1; then exec python3 -m notebook \"$@\"; fi",
            "echo '" + NO_JUPYTER + " (neither jupyter-notebook nor python3 -m notebook)' >&2",
            "exit 127");

    private final ExpLog log;

    public NotebookSession(ExpLog log) {
        this.log = log;
    }

    /** Serves Jupyter until Ctrl-C (or until Jupyter exits: code 0 from its Quit button, else a failure naming the code). */
    public void run(RunConfiguration config, NotebookAddress address, Terminal terminal) {
        try (SessionContainer session = SessionContainer.prepare(log, config, "notebook", "exp:notebook")) {
            if (session.engineHost().startsWith("unix://")) {
                address.requireFree();
            }
            String token = newToken();
            ContainerSpec spec = session.spec(command(session.workingDir()), Map.of());
            log.info("Jupyter in " + session.image() + ", notebooks in " + session.workingDir() + " (work tree "
                    + (session.settings().workspaceReadOnly() ? "read-only" : "read-write") + "), published on "
                    + address.bindAddress() + ":" + address.port() + ".");
            session.logNotRecorded();
            ReadyLine ready = new ReadyLine(READY, () -> {
                log.info("Jupyter is ready: " + address.url(token));
                log.info(address.wildcard() ? "It listens on every interface of this machine (bindAddress " + address.bindAddress()
                        + "); Ctrl-C stops it and removes its container." : "Ctrl-C stops it and removes its container.");
            });
            AttachedContainer.Io io = new AttachedContainer.Io(new ByteArrayInputStream((token + "\n").getBytes(StandardCharsets.UTF_8)),
                    ready.watch(terminal.out()), ready.watch(terminal.err()), false, 0, 0);
            AttachedContainer.Ended ended = session.run(spec, io, List.of(address.published()), id -> { }, end -> {
                if (end.interrupted()) {
                    log.info(STOPPED); // while the shutdown hook still holds the JVM
                }
            });
            if (ended.interrupted()) {
                return; // Ctrl-C is how a notebook session ends
            }
            session.requireGpus(ended, "Jupyter");
            if (ended.exitCode() != null && ended.exitCode() == 127 && ended.head().contains(NO_JUPYTER)) {
                throw new ExpFailure("The image " + session.image() + " has no Jupyter: neither jupyter-notebook nor the Python "
                        + "module notebook is in it.", "add Jupyter to the image's Dockerfile, e.g. RUN apt-get install -y "
                        + "jupyter-notebook (Debian, Ubuntu) or RUN pip install notebook, and set <image> to the new image");
            }
            if (ended.exitCode() == null || ended.exitCode() != 0) {
                throw new ExpFailure("Jupyter exited with code " + ended.exitCode() + ".", "see its log above");
            }
            log.info("Jupyter exited with code 0; its container was removed.");
        }
    }

    /** Jupyter's arguments after the start script's; the notebook directory is the project's, as a run's working directory. */
    static List<String> command(String notebookDir) {
        return List.of("/bin/sh", "-c", START, "exp-notebook", "--no-browser", "--ip=0.0.0.0",
                "--port=" + NotebookAddress.CONTAINER_PORT, "--notebook-dir=" + notebookDir);
    }

    /** As Jupyter makes its own: 24 random bytes, 48 hex digits. */
    static String newToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
