package dev.exprun.workbench;

import dev.exprun.core.ExpLog;
import dev.exprun.core.ShutdownHooks;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The build's terminal in raw mode for the length of a session, as {@code docker run -it} sets it: keys go to the
 * container as typed (Ctrl-C to the shell in it, not to Maven), and the container's terminal echoes. Java has no API
 * for it; {@code stty} on /dev/tty does it on every Unix. The saved mode comes back at the end, and on a shutdown.
 */
final class RawMode implements AutoCloseable {
    private static final File TTY = new File("/dev/tty");

    private final String saved;
    private final Thread hook;
    private final int rows;
    private final int columns;

    private RawMode(String saved, int rows, int columns) {
        this.saved = saved;
        this.rows = rows;
        this.columns = columns;
        this.hook = ShutdownHooks.register(this::restore, "exprun-terminal");
    }

    /** The terminal in raw mode, or null where stty cannot set it (then the session runs without a terminal). */
    static RawMode enter(ExpLog log) {
        try {
            String saved = stty("-g").trim();
            String[] size = stty("size").trim().split("\\s+");
            stty("raw", "-echo");
            return new RawMode(saved, Integer.parseInt(size[0]), Integer.parseInt(size[1]));
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot put the terminal in raw mode (" + e.getMessage() + "); the shell runs without a terminal");
            return null;
        }
    }

    int rows() {
        return rows;
    }

    int columns() {
        return columns;
    }

    private void restore() {
        try {
            stty(saved);
        } catch (IOException | RuntimeException e) {
            // `stty sane` by hand
        }
    }

    @Override
    public void close() {
        restore();
        ShutdownHooks.remove(hook);
    }

    private static String stty(String... args) throws IOException {
        String[] command = new String[args.length + 1];
        command[0] = "stty";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).redirectInput(TTY).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new IOException("stty " + String.join(" ", args) + " exited with code " + process.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return out;
    }
}
