package dev.exprun.executor;

import java.util.ArrayList;
import java.util.List;

/**
 * One run's handle, shared by its thread, its executor and other threads. {@link #stop(String)} ends
 * the run early (a sweep's fail-fast, or a sweep being interrupted); {@link #onShutdown()} writes its
 * record when the build is killed and the run's own thread cannot; {@link #close()} says the run's
 * thread is done (record and note written), which a shutdown hook waits for.
 */
public final class RunControl implements AutoCloseable {
    private final Runnable shutdownRecord;
    private final List<Runnable> closers = new ArrayList<>();
    private Runnable stopper;
    private String stopReason;
    private boolean closed;

    /** shutdownRecord: writes the run's record as interrupted, from a shutdown hook. */
    public RunControl(Runnable shutdownRecord) {
        this.shutdownRecord = shutdownRecord;
    }

    /** Ends the run early; the first reason wins. */
    public void stop(String reason) {
        Runnable bound;
        synchronized (this) {
            if (stopReason != null) {
                return;
            }
            stopReason = reason;
            bound = stopper;
        }
        if (bound != null) {
            bound.run();
        }
    }

    /** Why the run was stopped early; null when it was not. */
    public synchronized String stopReason() {
        return stopReason;
    }

    /** The executor says how to stop what it started; if a stop came first, it runs at once. */
    public void bindStop(Runnable how) {
        boolean now;
        synchronized (this) {
            stopper = how;
            now = stopReason != null;
        }
        if (now) {
            how.run();
        }
    }

    /** The executor's release when the run's thread is done; runs at once if that was already said. */
    public void bindClose(Runnable release) {
        boolean now;
        synchronized (this) {
            now = closed;
            if (!now) {
                closers.add(release);
            }
        }
        if (now) {
            release.run();
        }
    }

    public void onShutdown() {
        shutdownRecord.run();
    }

    @Override
    public void close() {
        List<Runnable> release;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            release = List.copyOf(closers);
        }
        release.forEach(Runnable::run);
    }
}
