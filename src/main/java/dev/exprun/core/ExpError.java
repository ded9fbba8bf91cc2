package dev.exprun.core;

/** The infrastructure is at fault: engine unreachable, I/O, git errors, bad configuration. BUILD ERROR. */
public class ExpError extends ExpException {
    public ExpError(String message, String fix) {
        super(message, fix, null);
    }

    public ExpError(String message, String fix, Throwable cause) {
        super(message, fix, cause);
    }
}
