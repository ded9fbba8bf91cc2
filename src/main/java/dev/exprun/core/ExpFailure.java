package dev.exprun.core;

/** The user's project is at fault: training failed, dirty tree refused, bad metrics file. BUILD FAILURE. */
public class ExpFailure extends ExpException {
    public ExpFailure(String message, String fix) {
        super(message, fix, null);
    }

    public ExpFailure(String message, String fix, Throwable cause) {
        super(message, fix, cause);
    }
}
