package dev.exprun.workbench;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Where a session's input comes from and its output goes. tty: the build runs in a terminal, so the container gets one
 * too (prompts, line editing, colours); otherwise plain pipes, so that {@code echo 'python3 train.py' | mvn exp:shell}
 * works in CI.
 */
public record Terminal(InputStream in, OutputStream out, OutputStream err, boolean tty) {

    /**
     * The build's own standard streams, unwrapped: Maven's System.out may rewrite ANSI sequences, and a session's bytes
     * must arrive as the container wrote them. A terminal when the JVM has a console (not piped, not redirected).
     */
    public static Terminal system() {
        return new Terminal(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out),
                new FileOutputStream(FileDescriptor.err), System.console() != null);
    }
}
