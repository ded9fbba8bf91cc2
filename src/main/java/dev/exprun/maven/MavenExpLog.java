package dev.exprun.maven;

import dev.exprun.core.ExpLog;
import org.apache.maven.plugin.logging.Log;

/** The core's log, printed through Maven's. */
final class MavenExpLog implements ExpLog {
    private final Log log;

    MavenExpLog(Log log) {
        this.log = log;
    }

    @Override
    public void info(String message) {
        log.info(message);
    }

    @Override
    public void warn(String message) {
        log.warn(message);
    }

    @Override
    public void debug(String message) {
        log.debug(message);
    }
}
