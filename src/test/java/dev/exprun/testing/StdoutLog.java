package dev.exprun.testing;

import dev.exprun.core.ExpLog;

/** A log on standard output, flushed per line, for builds in a second JVM whose lines the test waits for. */
public final class StdoutLog implements ExpLog {
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
}
