package dev.exprun.slurm;

import dev.exprun.core.ExpLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows every job of a build with ONE poller: one batched {@code squeue} call for all of them per
 * interval, however many jobs run (peers that poll per job stall slurmctld, submitit #1759). Jobs that
 * squeue no longer knows are asked of {@code sacct} in one call. A failing squeue backs off (doubling,
 * up to a minute). A job's script writing its exit file wakes the poller early, but never to more than
 * one call a second.
 */
final class JobMonitor implements AutoCloseable {
    private static final Duration MIN_GAP = SlurmSettings.MIN_POLL;
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    private static final Duration EAGER_FOR = Duration.ofSeconds(10);
    /** Polls in a row that do not find a job before it counts as gone without a final state. */
    private static final int MISSING_LIMIT = 3;

    interface Listener {
        void changed(JobStatus status);
    }

    static final class Watch {
        private final String jobId;
        private final Listener listener;
        private final CompletableFuture<JobStatus> end = new CompletableFuture<>();
        private volatile JobStatus last;
        private int missing;

        private Watch(String jobId, Listener listener) {
            this.jobId = jobId;
            this.listener = listener;
        }

        CompletableFuture<JobStatus> end() {
            return end;
        }

        JobStatus last() {
            return last;
        }

        private void update(JobStatus status) {
            JobStatus before = last;
            JobStatus now = before == null ? status : status.withRestarts(before.restarts());
            last = now;
            if (!now.equals(before)) {
                listener.changed(now);
            }
            if (now.ended()) {
                end.complete(now);
            }
        }
    }

    private final SlurmCommands commands;
    private final Duration interval;
    private final ExpLog log;
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private Thread thread;
    private boolean closed;
    private long eagerUntil;
    private int failures;

    JobMonitor(SlurmCommands commands, Duration interval, ExpLog log) {
        this.commands = commands;
        this.interval = interval;
        this.log = log;
    }

    Watch watch(String jobId, Listener listener) {
        Watch watch = new Watch(jobId, listener);
        watches.put(jobId, watch);
        watch.end.whenComplete((s, e) -> watches.remove(jobId));
        synchronized (lock) {
            if (thread == null) {
                thread = new Thread(this::loop, "exprun-slurm-poll");
                thread.setDaemon(true);
                thread.start();
            }
            lock.notifyAll();
        }
        return watch;
    }

    /** Something says a job is about to end (its exit file, a stop): poll at the fastest allowed rate for a while. */
    void wake() {
        synchronized (lock) {
            eagerUntil = System.nanoTime() + EAGER_FOR.toNanos();
            lock.notifyAll();
        }
    }

    private void loop() {
        long lastPoll = System.nanoTime() - interval.toNanos();
        while (true) {
            synchronized (lock) {
                try {
                    while (!closed) {
                        long now = System.nanoTime();
                        long gap = failures > 0 ? backoff().toNanos()
                                : now < eagerUntil ? MIN_GAP.toNanos() : interval.toNanos();
                        long due = lastPoll + Math.max(gap, MIN_GAP.toNanos());
                        if (!watches.isEmpty() && now >= due) {
                            break;
                        }
                        long waitNanos = watches.isEmpty() ? 0 : due - now;
                        if (watches.isEmpty()) {
                            lock.wait();
                        } else {
                            lock.wait(Math.max(1, waitNanos / 1_000_000), (int) (waitNanos % 1_000_000));
                        }
                    }
                    if (closed) {
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
            lastPoll = System.nanoTime();
            try {
                poll();
            } catch (RuntimeException e) {
                failed(e.getMessage());
            }
        }
    }

    private Duration backoff() {
        Duration d = interval.multipliedBy(1L << Math.min(failures, 6));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    private void failed(String why) {
        failures++;
        if (failures == 1 || failures % 10 == 0) {
            log.warn("Slurm did not answer squeue (" + why + "); asking again in " + backoff().toSeconds() + " s");
        }
    }

    private void poll() {
        List<String> ids = new ArrayList<>(watches.keySet());
        if (ids.isEmpty()) {
            return;
        }
        SlurmCommands.Result r = commands.run("squeue", List.of("--noheader", "--states=all", "--jobs=" + String.join(",", ids),
                "--Format=" + JobStatus.SQUEUE_FORMAT));
        List<JobStatus> found;
        if (r.ok()) {
            found = JobStatus.parseSqueue(r.out());
        } else if (r.err().contains("Invalid job id")) {
            found = List.of(); // every one of them is gone from slurmctld's memory
        } else {
            failed(r.message());
            return;
        }
        failures = 0;
        Set<String> seen = new HashSet<>();
        for (JobStatus status : found) {
            Watch watch = watches.get(status.jobId());
            if (watch != null) {
                seen.add(status.jobId());
                watch.missing = 0;
                watch.update(status);
            }
        }
        List<String> missing = ids.stream().filter(id -> !seen.contains(id)).toList();
        if (!missing.isEmpty()) {
            fromAccounting(missing);
        }
    }

    /** Jobs squeue no longer lists (past MinJobAge): sacct, when the cluster keeps accounting; else they end as unknown. */
    private void fromAccounting(List<String> missing) {
        SlurmCommands.Result r = commands.run("sacct", List.of("--noheader", "--parsable2", "--allocations",
                "--jobs=" + String.join(",", missing), "--format=" + JobStatus.SACCT_FORMAT));
        Set<String> answered = new HashSet<>();
        if (r.ok()) {
            for (JobStatus status : JobStatus.parseSacct(r.out())) {
                Watch watch = watches.get(status.jobId());
                if (watch != null && status.ended()) {
                    answered.add(status.jobId());
                    watch.update(status);
                }
            }
        }
        for (String id : missing) {
            Watch watch = watches.get(id);
            if (watch != null && !answered.contains(id) && ++watch.missing >= MISSING_LIMIT) {
                JobStatus last = watch.last();
                watch.update(new JobStatus(id, "UNKNOWN", "Slurm no longer lists the job and has no accounting for it ("
                        + (r.ok() ? "sacct found nothing" : r.message()) + ")", null, null,
                        last == null ? null : last.nodes(), last == null ? null : last.partition(),
                        last == null ? null : last.elapsed(), last == null ? 0 : last.restarts()));
                watch.end.complete(watch.last());
            }
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }
}
