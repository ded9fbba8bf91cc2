package dev.exprun.core;

/** A log whose lines carry a prefix, such as a sweep trial's "[t03] ", so parallel runs' lines can be told apart. */
public record PrefixedLog(ExpLog log, String prefix) implements ExpLog {
    @Override
    public void info(String message) {
        log.info(prefix + message);
    }

    @Override
    public void warn(String message) {
        log.warn(prefix + message);
    }

    @Override
    public void debug(String message) {
        log.debug(prefix + message);
    }
}
