package dev.exprun.slurm;

import dev.exprun.core.ShutdownHooks;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stops a run's Slurm job: SIGTERM to the batch script and its children ({@code scancel --full
 * --signal=TERM}, the script stops the container), then {@code scancel} once the grace period has
 * passed and the job still runs; a job still pending is cancelled at once. Also the build's shutdown
 * hook (Ctrl-C, SIGTERM): it stops the job and waits for the run's thread to write the record.
 */
final class JobGuard implements AutoCloseable {
    static final Duration CANCEL_GRACE = Duration.ofSeconds(30);
    private static final long FINISH_WAIT_SECONDS = CANCEL_GRACE.toSeconds() + 30;

    private final SlurmCommands commands;
    private final JobMonitor monitor;
    private final Runnable fallbackRecord;
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private final AtomicBoolean cancelling = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile String jobId;
    private volatile JobMonitor.Watch watch;

    JobGuard(SlurmCommands commands, JobMonitor monitor, Runnable fallbackRecord) {
        this.commands = commands;
        this.monitor = monitor;
        this.fallbackRecord = fallbackRecord;
        this.hook = ShutdownHooks.register(this::onShutdown, "exprun-slurm-shutdown");
        if (hook == null) {
            interrupted.set(true); // already shutting down: nothing may be submitted
        }
    }

    boolean interrupted() {
        return interrupted.get();
    }

    void submitted(String id) {
        jobId = id;
        if (interrupted.get()) {
            cancel(); // stopped while sbatch ran
        }
    }

    void watching(JobMonitor.Watch w) {
        watch = w;
    }

    /** From another thread (a sweep's fail-fast or its Ctrl-C): the run ends as interrupted. */
    void stopNow() {
        interrupted.set(true);
        cancel();
    }

    private void cancel() {
        String id = jobId;
        if (id == null || !cancelling.compareAndSet(false, true)) {
            return;
        }
        JobMonitor.Watch w = watch;
        JobStatus last = w == null ? null : w.last();
        if (last == null || !last.running()) {
            commands.run("scancel", List.of(id)); // pending (or not yet seen): nothing runs that could stop cleanly
        } else {
            commands.run("scancel", List.of("--full", "--signal=TERM", id));
            Thread hard = new Thread(() -> hardCancelAfterGrace(id, w), "exprun-slurm-cancel");
            hard.setDaemon(true);
            hard.start();
        }
        monitor.wake();
    }

    private void hardCancelAfterGrace(String id, JobMonitor.Watch w) {
        try {
            w.end().get(CANCEL_GRACE.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            commands.run("scancel", List.of(id)); // still there after the grace period
            monitor.wake();
        }
    }

    private void onShutdown() {
        interrupted.set(true);
        cancel();
        try {
            if (!finished.await(FINISH_WAIT_SECONDS, TimeUnit.SECONDS)) {
                String id = jobId;
                if (id != null) {
                    commands.run("scancel", List.of(id));
                }
                fallbackRecord.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fallbackRecord.run();
        }
    }

    /** The run's thread is done (record and note written). */
    @Override
    public void close() {
        finished.countDown();
        ShutdownHooks.remove(hook); // (during shutdown the hook runs and sees 'finished')
    }
}
