package dev.exprun.sweep;

import dev.exprun.core.ExpLog;
import dev.exprun.sweep.SweepRecord.Status;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C or SIGTERM during a sweep: no new trial starts and lease waits end (each running trial's own
 * hook stops its container and finishes its record). The hook then waits for the build thread to write
 * the sweep record as interrupted; if it cannot in time, writes it from what is known.
 */
final class SweepShutdown implements AutoCloseable {
    private static final long FINISH_WAIT_SECONDS = 40;

    private final SweepStop stop;
    private final SweepState state;
    private final ExpLog log;
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    SweepShutdown(SweepStop stop, SweepState state, ExpLog log) {
        this.stop = stop;
        this.state = state;
        this.log = log;
        this.hook = new Thread(this::onShutdown, "exprun-sweep-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    boolean interrupted() {
        return interrupted.get();
    }

    private void onShutdown() {
        interrupted.set(true);
        stop.stopAll("the build was interrupted");
        try {
            if (finished.await(FINISH_WAIT_SECONDS, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        state.finish(Status.INTERRUPTED, "The build was interrupted.");
        log.warn("Sweep " + state.record().sweepId() + " interrupted; record written");
    }

    /** The build thread wrote the final sweep record. */
    void finished() {
        finished.countDown();
    }

    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running and sees 'finished'.
        }
    }
}
