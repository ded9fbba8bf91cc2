package dev.exprun.core;

/**
 * The core's own log, so that no core package depends on Maven's {@code Log}.
 * The Maven layer adapts it; tests capture it.
 */
public interface ExpLog {
    void info(String message);

    void warn(String message);

    void debug(String message);

    /** A log that drops everything; for callers that have nowhere to print. */
    ExpLog NONE = new ExpLog() {
        @Override
        public void info(String message) {
        }

        @Override
        public void warn(String message) {
        }

        @Override
        public void debug(String message) {
        }
    };
}
