package dev.exprun.sweep;

import dev.exprun.artifacts.ArtifactSource;
import dev.exprun.container.BuildIdentity;
import dev.exprun.core.ExpLog;
import dev.exprun.lease.GpuLeases;
import dev.exprun.run.Leasing;
import dev.exprun.run.Params;
import dev.exprun.run.PreparedBuild;
import dev.exprun.run.RunConfiguration;
import dev.exprun.run.RunExecution;
import dev.exprun.run.RunResult;
import dev.exprun.sweep.SweepRecord.Status;
import dev.exprun.sweep.SweepRecord.Trial;
import dev.exprun.sweep.SweepRecord.TrialStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One sweep's launch, on a build prepared once: the starting record (reusing what a resumed sweep already
 * has), then every trial in order, each on one of {@code parallel} slots, then the conclusion.
 */
final class SweepLaunch {
    private final ExpLog log;
    private final RunConfiguration config;
    private final SweepSettings settings;
    private final PreparedBuild build;
    private final String sweepId;
    private final SweepDirectory dir;
    private final List<GpuSlot> pool;
    private final int parallel;
    private final ResumeIndex resume;
    private final Instant start;
    private final Map<Integer, RunResult> results = new ConcurrentHashMap<>();
    private final ArtifactSource artifacts;

    SweepLaunch(ExpLog log, RunConfiguration config, SweepSettings settings, PreparedBuild build, String sweepId, SweepDirectory dir,
                List<GpuSlot> pool, int parallel, ResumeIndex resume, Instant start, ArtifactSource artifacts) {
        this.artifacts = artifacts;
        this.log = log;
        this.config = config;
        this.settings = settings;
        this.build = build;
        this.sweepId = sweepId;
        this.dir = dir;
        this.pool = pool;
        this.parallel = parallel;
        this.resume = resume;
        this.start = start;
    }

    SweepResult run(List<Map<String, String>> trials) {
        SweepRecord started = startRecord(trials);
        CompletableFuture<Void> leftovers = build.sweepLeftovers(config, settings.run().recordInGit(), sweepId, log);
        SweepStop stop = new SweepStop();
        try (SweepBoard board = new SweepBoard(log)) {
            SweepState state = new SweepState(started, dir, SweepDirectory.last(config.buildDir()), board::changed);
            try (SweepShutdown shutdown = new SweepShutdown(stop, state, log)) {
                board.follow(state);
                launch(trials, state, stop);
                return new SweepConclusion(log, config, settings, sweepId, dir, results).conclude(state, stop, shutdown);
            }
        } finally {
            PreparedBuild.finishLeftovers(leftovers, log);
            log.debug("Sweep " + sweepId + " phases: " + build.phases());
        }
    }

    private SweepRecord startRecord(List<Map<String, String>> trials) {
        List<Trial> entries = new ArrayList<>();
        for (int i = 0; i < trials.size(); i++) {
            Map<String, Object> params = new java.util.LinkedHashMap<>();
            trials.get(i).forEach((k, v) -> params.put(k, Params.merge(Map.of(k, v), Map.of()).get(k)));
            Trial queued = new Trial(SearchSpace.trialLabel(i + 1, trials.size()), i + 1, params, TrialStatus.QUEUED, null,
                    List.of(), null, null, null, null, null, null, List.of(), null, null, null);
            entries.add(reused(queued, trials.get(i)).orElse(queued));
        }
        var git = build.git();
        return new SweepRecord(SweepRecord.SCHEMA, sweepId, Status.RUNNING, null, config.project(),
                git.present() ? new SweepRecord.Commit(git.commit(), git.branch(), git.describe(), git.dirty(), git.patchSha256()) : null,
                new SweepRecord.Image(build.image().reference().toString(), build.image().digest()), settings.run().command(),
                settings.run().params(), settings.space().toJson(),
                settings.recordedObjective(),
                parallel, settings.gpusPerTrial(), pool.stream().map(GpuSlot::label).toList(), settings.failurePolicy().text(),
                settings.retries(), start.toString(), null, null, entries, BuildIdentity.current());
    }

    /** On resume: the earlier run of this trial when it succeeded on the same code, image, command and params. */
    private Optional<Trial> reused(Trial queued, Map<String, String> trialParams) {
        if (resume == null) {
            return Optional.empty();
        }
        Map<String, String> base = new TreeMap<>(config.params());
        base.putAll(trialParams);
        Map<String, Object> params = Params.merge(base, config.paramOverrides());
        return resume.find(params, build.git(), build.image().digest(), settings.run().command()).map(found -> {
            results.put(queued.number(), new RunResult(found.record(), found.dir(), RunExecution.attachments(found.dir(), found.record())));
            log.info("[" + queued.trial() + "] reused run " + found.record().runId() + " (same commit, patch, image, command and params)");
            Trial t = found.trial();
            return new Trial(queued.trial(), queued.number(), queued.params(), TrialStatus.SUCCEEDED, t.runId(), t.attempts(),
                    found.record().metrics(), t.queueWaitMs(), t.leaseWaitMs(), t.startedAt(), t.endedAt(), t.durationMs(), t.gpus(), null,
                    null, resume.sweepId());
        });
    }

    private void launch(List<Map<String, String>> trials, SweepState state, SweepStop stop) {
        GpuLeases leases = settings.gpusPerTrial() == 0 || build.executor().schedulesGpus() ? null : Leasing.leases(config, build, log);
        TrialRunner runner = new TrialRunner(log, config, build, settings, sweepId, state, stop, leases, pool,
                settings.run().gpuWait(), parallel, artifacts);
        AtomicInteger threads = new AtomicInteger();
        // The launcher takes the slots in trial order; a trial gives its slot back when its container is gone,
        // and writes its record and note while the next one runs: so more threads than slots, never more than trials.
        ExecutorService workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "exprun-trial-" + threads.incrementAndGet());
            t.setDaemon(true); // a killed build must not wait for trial threads; the shutdown hooks finish their records
            return t;
        });
        Instant launched = Instant.now();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < trials.size(); i++) {
                int number = i + 1;
                if (state.trial(number).status() != TrialStatus.QUEUED) {
                    continue; // reused on resume
                }
                try {
                    runner.acquireSlot();
                } catch (InterruptedException stopped) {
                    cancelQueued(state, stop.reason());
                    break;
                }
                long queueWait = Duration.between(launched, Instant.now()).toMillis();
                Map<String, String> params = trials.get(i);
                running.add(workers.submit(() -> runTrial(runner, state, number, params, queueWait)));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    // runTrial records its own failures; nothing escapes it but errors
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.stopAll("the build was interrupted");
        } finally {
            workers.shutdown();
        }
    }

    /** The trials the launcher never started, once the sweep stops. */
    private void cancelQueued(SweepState state, String why) {
        for (Trial t : state.record().trials()) {
            if (t.status() == TrialStatus.QUEUED) {
                state.update(t.number(), t.withStatus(TrialStatus.CANCELLED, why, null));
            }
        }
    }

    private void runTrial(TrialRunner runner, SweepState state, int number, Map<String, String> params, long queueWait) {
        try {
            RunResult result = runner.run(number, params, queueWait);
            if (result != null) {
                results.put(number, result);
            }
        } catch (RuntimeException e) {
            Trial t = state.trial(number);
            state.update(number, t.withStatus(TrialStatus.FAILED, TrialRunner.firstLine(String.valueOf(e.getMessage())),
                    SweepRecord.Fault.INFRASTRUCTURE));
        }
    }
}
