package dev.exprun.core;

/**
 * A problem the core reports with a message that names the bad value and a fix.
 * Subclasses tell the Maven layer whether it is the user's project or the infrastructure.
 */
public abstract class ExpException extends RuntimeException {
    private final String fix;

    protected ExpException(String message, String fix, Throwable cause) {
        super(message, cause);
        this.fix = fix;
    }

    /** How to fix it, in one sentence; may be null when the message says it all. */
    public String fix() {
        return fix;
    }

    /** Message and fix together, as shown to the user. */
    public String describe() {
        return fix == null || fix.isBlank() ? getMessage() : getMessage() + "\n  Fix: " + fix;
    }
}
