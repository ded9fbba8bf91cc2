package dev.exprun.sweep;

import dev.exprun.artifacts.ArtifactSource;
import dev.exprun.cache.KeyLock;
import dev.exprun.container.GpuRequest;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpException;
import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.core.PrefixedLog;
import dev.exprun.executor.RunControl;
import dev.exprun.lease.GpuLease;
import dev.exprun.lease.GpuLeases;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunId;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunRecord.SweepTrial;
import dev.exprun.record.RunStatus;
import dev.exprun.run.Params;
import dev.exprun.run.PreparedBuild;
import dev.exprun.run.RunCache;
import dev.exprun.run.RunConfiguration;
import dev.exprun.run.RunDirectory;
import dev.exprun.run.RunExecution;
import dev.exprun.run.RunInterrupted;
import dev.exprun.run.RunListener;
import dev.exprun.run.RunResult;
import dev.exprun.run.RunSettings;
import dev.exprun.sweep.SweepRecord.Trial;
import dev.exprun.sweep.SweepRecord.TrialStatus;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One trial of a sweep, on the build prepared once: lease its GPUs, run it as a complete run (its own run
 * id, directory, record, log and note), and re-run it only for an infrastructure fault (engine error, OOM
 * kill, GPUs not seen), never for a script that exited non-zero. Each attempt is a run of its own.
 */
final class TrialRunner {
    private final ExpLog log;
    private final RunConfiguration config;
    private final PreparedBuild build;
    private final SweepSettings settings;
    private final String sweepId;
    private final SweepState state;
    private final SweepStop stop;
    private final GpuLeases leases;
    private final List<GpuSlot> pool;
    private final Duration gpuWait;
    private final Semaphore slots;
    private final ArtifactSource artifacts;

    TrialRunner(ExpLog log, RunConfiguration config, PreparedBuild build, SweepSettings settings, String sweepId, SweepState state,
                SweepStop stop, GpuLeases leases, List<GpuSlot> pool, Duration gpuWait, int parallel, ArtifactSource artifacts) {
        this.artifacts = artifacts;
        this.log = log;
        this.config = config;
        this.build = build;
        this.settings = settings;
        this.sweepId = sweepId;
        this.state = state;
        this.stop = stop;
        this.leases = leases;
        this.pool = pool;
        this.gpuWait = gpuWait;
        this.slots = new Semaphore(parallel, true); // fair: trials start in their order
    }

    /** Waits for one of the parallel slots; interrupted when the sweep stops. */
    void acquireSlot() throws InterruptedException {
        stop.whileWaiting(() -> {
            slots.acquire();
            return null;
        });
    }

    /**
     * Runs trial number (1-based) with its params, on a slot the launcher took for it (in trial order); the
     * result when it succeeded, else null (the state says why). A retry waits for a slot again.
     */
    RunResult run(int number, Map<String, String> trialParams, long queueWait) {
        Trial queued = state.trial(number);
        ExpLog trialLog = new PrefixedLog(log, "[" + queued.trial() + "] ");
        RunCache cache = new RunCache(trialLog, config, build, artifacts);
        // The trial's key takes its GPUs as a count: which devices it will lease does not change what it computes.
        GpuRequest keyGpus = GpuRequest.parse(String.valueOf(settings.gpusPerTrial()));
        RunSettings keySettings = settings.run().forTrial(params(trialParams), keyGpus, settings.limits());
        KeyLock lock;
        RunCache.RunKey key;
        try {
            key = cache.key(keySettings, keyGpus);
            lock = cache.lock(key, queued.trial() + " of " + sweepId);
        } catch (RunInterrupted e) {
            slots.release();
            state.update(number, ended(queued, TrialStatus.CANCELLED, null, List.of(), queueWait, null, stop.reason(), null));
            return null;
        } catch (ExpException e) {
            slots.release();
            state.update(number, ended(queued, TrialStatus.FAILED, null, List.of(), queueWait, null, e.getMessage(),
                    SweepRecord.Fault.INFRASTRUCTURE));
            failed(queued.trial());
            return null;
        }
        try (lock) {
            Optional<RunCache.Hit> hit = cache.find(key, keySettings);
            if (hit.isPresent()) {
                slots.release();
                return served(number, queued, cache, hit.get(), key, keySettings, queueWait);
            }
            return attempts(number, queued, trialParams, queueWait, trialLog, key);
        }
    }

    /** The trial served from the run cache: a run of its own (cachedFrom the earlier run), no lease, no container. */
    private RunResult served(int number, Trial queued, RunCache cache, RunCache.Hit hit, RunCache.RunKey key, RunSettings keySettings,
                             long queueWait) {
        Instant start = Instant.now();
        String runId = RunId.next(start);
        RunDirectory dir = RunDirectory.created(config.buildDir(), runId, settings.run().sharedDir());
        RunResult result = cache.served(hit, key, keySettings, runId, start, dir, new SweepTrial(sweepId, queued.trial(), 1));
        state.update(number, ended(queued, TrialStatus.SUCCEEDED, result.record(), List.of(runId), queueWait, null, null, null));
        return result;
    }

    private RunResult attempts(int number, Trial queued, Map<String, String> trialParams, long queueWait, ExpLog trialLog,
                               RunCache.RunKey key) {
        List<String> attempts = new ArrayList<>();
        boolean slotHeld = true;
        for (int attempt = 1; ; attempt++) {
            Held held;
            try {
                if (!slotHeld) {
                    acquireSlot();
                    slotHeld = true;
                }
                if (stop.stopping()) {
                    throw new InterruptedException(stop.reason());
                }
                held = new Held(slots, lease(queued.trial()), settings.failurePolicy() != FailurePolicy.FAIL_FAST);
            } catch (InterruptedException e) {
                release(slotHeld);
                state.update(number, ended(queued, TrialStatus.CANCELLED, null, attempts, queueWait, null, stop.reason(), null));
                return null;
            } catch (ExpException e) {
                release(slotHeld);
                state.update(number, ended(queued, TrialStatus.FAILED, null, attempts, queueWait, null, e.getMessage(),
                        SweepRecord.Fault.INFRASTRUCTURE));
                failed(queued.trial());
                return null;
            }
            slotHeld = false; // held gives it back
            try {
                Attempt outcome = attempt(number, queued, trialParams, attempt, attempts, queueWait, held, trialLog, key);
                if (outcome.retry() && attempt <= settings.retries() && !stop.stopping()) {
                    trialLog.warn("Attempt " + attempt + " failed on an infrastructure fault (" + firstLine(outcome.failure())
                            + "); retrying (attempt " + (attempt + 1) + " of " + (settings.retries() + 1) + ")");
                    continue;
                }
                if (outcome.retry()) {
                    state.update(number, ended(queued, TrialStatus.FAILED, outcome.record(), attempts, queueWait, held.lease(),
                            outcome.failure(), SweepRecord.Fault.INFRASTRUCTURE));
                }
                return outcome.result();
            } finally {
                held.release();
            }
        }
    }

    private void release(boolean slotHeld) {
        if (slotHeld) {
            slots.release();
        }
    }

    /**
     * A trial's slot (one of parallel) and its GPU lease, given back once. Without GPUs the slot goes as soon
     * as the container is gone: the next trial starts while this one writes its record and note. With GPUs
     * both are held until the trial is done, so that a run's record spans its lease (and no trial of this
     * build waits for, and reports, a GPU that is about to be freed); under fail-fast too, so that no trial
     * starts before the one before it is known to have succeeded.
     */
    private static final class Held {
        private final Semaphore slots;
        private final GpuLease lease;
        private final AtomicBoolean released = new AtomicBoolean();
        private final boolean early;

        Held(Semaphore slots, GpuLease lease, boolean early) {
            this.slots = slots;
            this.lease = lease;
            this.early = early && lease == null;
        }

        GpuLease lease() {
            return lease;
        }

        void containerGone() {
            if (early) {
                release();
            }
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                if (lease != null) {
                    lease.close();
                }
                slots.release();
            }
        }
    }

    /** result: the run when it succeeded; retry: it failed for the infrastructure (the state is not yet final). */
    private record Attempt(RunResult result, boolean retry, RunRecord record, String failure) {
    }

    private Attempt attempt(int number, Trial queued, Map<String, String> trialParams, int attempt, List<String> attempts, long queueWait,
                            Held held, ExpLog trialLog, RunCache.RunKey key) {
        GpuLease lease = held.lease();
        List<String> devices = lease == null ? List.of() : lease.devices().stream().map(k -> slot(k).deviceId()).toList();
        // A scheduler (Slurm) is asked for a count and decides which GPUs; here the trial names what it leased.
        GpuRequest gpus = build.executor().schedulesGpus() ? GpuRequest.parse(String.valueOf(settings.gpusPerTrial()))
                : GpuRequest.devices(devices);
        RunSettings trialSettings = settings.run().forTrial(params(trialParams), gpus, settings.limits());
        Instant start = Instant.now();
        String runId = RunId.next(start);
        RunDirectory dir = RunDirectory.created(config.buildDir(), runId, settings.run().sharedDir());
        attempts.add(runId);
        state.update(number, new Trial(queued.trial(), number, queued.params(), TrialStatus.RUNNING, runId, List.copyOf(attempts), null,
                queueWait, lease == null ? null : lease.waited().toMillis(), start.toString(), null, null, labels(lease), null, null, null));
        try {
            RunResult result = new RunExecution(trialLog, config, build).run(trialSettings, runId, start, dir,
                    new SweepTrial(sweepId, queued.trial(), attempt), key == null ? null : key.key(),
                    (stderr, line) -> log.info("[" + queued.trial() + "] " + (stderr ? "[err] " : "") + line),
                    new RunListener() {
                        @Override
                        public void controlled(RunControl control) {
                            stop.running(number, control);
                        }

                        @Override
                        public void containerGone() {
                            state.finishing(number);
                            held.containerGone();
                        }
                    });
            state.update(number, ended(queued, TrialStatus.SUCCEEDED, result.record(), attempts, queueWait, lease, null, null));
            return new Attempt(result, false, result.record(), null);
        } catch (RunInterrupted e) {
            state.update(number, ended(queued, TrialStatus.INTERRUPTED, read(dir), attempts, queueWait, lease, e.getMessage(), null));
            return new Attempt(null, false, null, e.getMessage());
        } catch (ExpFailure e) {
            RunRecord record = read(dir);
            TrialStatus status = record != null && record.status() == RunStatus.TIMED_OUT ? TrialStatus.TIMED_OUT : TrialStatus.FAILED;
            state.update(number, ended(queued, status, record, attempts, queueWait, lease, e.getMessage(), SweepRecord.Fault.PROJECT));
            failed(queued.trial());
            return new Attempt(null, false, record, e.getMessage());
        } catch (RuntimeException e) { // ExpError: the infrastructure (engine, OOM kill, GPUs not seen)
            RunRecord record = read(dir);
            boolean last = attempt > settings.retries() || stop.stopping();
            if (last) {
                failed(queued.trial());
            }
            return new Attempt(null, true, record, String.valueOf(e.getMessage()));
        } finally {
            stop.ended(number);
        }
    }

    private GpuLease lease(String trial) throws InterruptedException {
        if (settings.gpusPerTrial() == 0 || leases == null) {
            return null; // no GPUs, or the scheduler's to give
        }
        List<String> keys = pool.stream().map(GpuSlot::leaseKey).toList();
        return stop.whileWaiting(() -> leases.acquire(keys, settings.gpusPerTrial(), gpuWait, "trial " + trial + " of sweep " + sweepId));
    }

    private void failed(String trial) {
        if (settings.failurePolicy() == FailurePolicy.FAIL_FAST) {
            stop.stopAll("trial " + trial + " failed and failurePolicy=fail-fast");
        }
    }

    /** The POM's params, overridden by the trial's, then by -Dexp.param (which a sweep refuses for swept names). */
    private Map<String, Object> params(Map<String, String> trialParams) {
        Map<String, String> base = new TreeMap<>(config.params());
        base.putAll(trialParams);
        return Params.merge(base, config.paramOverrides());
    }

    /** The pool's GPU leased under this key. */
    private GpuSlot slot(String leaseKey) {
        return pool.stream().filter(s -> s.leaseKey().equals(leaseKey)).findFirst().orElseThrow();
    }

    private List<String> labels(GpuLease lease) {
        return lease == null ? List.of() : lease.devices().stream().map(k -> slot(k).label()).toList();
    }

    private Trial ended(Trial queued, TrialStatus status, RunRecord record, List<String> attempts, Long queueWait, GpuLease lease,
                        String failure, SweepRecord.Fault fault) {
        return new Trial(queued.trial(), queued.number(), queued.params(), status,
                attempts.isEmpty() ? null : attempts.get(attempts.size() - 1), List.copyOf(attempts),
                record == null ? null : record.metrics(), queueWait, lease == null ? null : lease.waited().toMillis(),
                record == null ? null : record.startedAt(), record == null ? null : record.endedAt(),
                record == null ? null : record.durationMs(), labels(lease), failure == null ? null : firstLine(failure), fault, null);
    }

    private static RunRecord read(RunDirectory dir) {
        if (!Files.isRegularFile(dir.record())) {
            return null;
        }
        try {
            return RecordJson.read(dir.record(), RunRecord.class);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return null;
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
