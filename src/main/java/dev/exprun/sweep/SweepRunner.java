package dev.exprun.sweep;

import dev.exprun.container.GpuDiscovery;
import dev.exprun.container.GpuRequest;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpException;
import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.lease.GpuLeases;
import dev.exprun.record.RunId;
import dev.exprun.record.RunRecord.ProjectInfo;
import dev.exprun.run.Attachment;
import dev.exprun.run.ConfigValues;
import dev.exprun.run.Leasing;
import dev.exprun.run.Params;
import dev.exprun.run.PreparedBuild;
import dev.exprun.run.RunConfiguration;
import dev.exprun.run.RunDirectory;
import dev.exprun.run.RunExecution;
import dev.exprun.run.RunResult;
import dev.exprun.sweep.SweepRecord.Status;
import dev.exprun.sweep.SweepRecord.Trial;
import dev.exprun.sweep.SweepRecord.TrialStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * {@code exp:sweep}: the trials of a search space, {@code parallel} at once, each a complete run. What a
 * build resolves once (provenance, image, engine, GPUs, leftover sweep) is resolved once for all of them;
 * each trial leases its own GPUs. The sweep record is written as it goes; the best trial by the objective
 * is what exp:verify and exp:tag act on afterwards.
 */
public final class SweepRunner {
    private final ExpLog log;

    public SweepRunner(ExpLog log) {
        this.log = log;
    }

    public SweepResult run(SweepConfiguration config) {
        SweepSettings settings = SweepSettings.from(config);
        RunConfiguration runConfig = config.run();
        ResumeIndex resume = settings.resume() == null ? null : ResumeIndex.load(runConfig.buildDir(), settings.resume());
        Instant start = Instant.now();
        String sweepId = resume != null ? resume.sweepId() : "sweep-" + RunId.next(start);
        SweepDirectory dir = SweepDirectory.of(runConfig.buildDir(), sweepId);
        createDirectory(dir.root());
        List<Map<String, String>> trials = settings.space().trials();
        log.info("Sweep " + sweepId + ": " + settings.space().describe() + (resume != null ? " (resumed)" : ""));
        GpuRequest gpusForMode = settings.gpusPerTrial() == 0 ? GpuRequest.parse("none")
                : settings.gpuDevices().isEmpty() ? GpuRequest.parse("all")
                : GpuRequest.devices(settings.gpuDevices().subList(0, settings.gpusPerTrial()));
        try (PreparedBuild build = PreparedBuild.prepare(log, runConfig, settings.run(), dir.patch(), resume == null ? dir.root() : null,
                gpusForMode)) {
            List<GpuSlot> pool = pool(settings, build, runConfig.project());
            int parallel = settings.parallelFor(pool.size());
            if (settings.gpusPerTrial() > 0 && parallel * settings.gpusPerTrial() > pool.size()) {
                throw new ExpError("parallel=" + parallel + " trials with " + settings.gpusPerTrial() + " GPU(s) each need "
                        + parallel * settings.gpusPerTrial() + " GPUs, and " + pool.size() + " were found.",
                        "lower <parallel> (-Dexp.parallel), or leave it unset: it defaults to what the GPUs allow");
            }
            log.info("Sweep " + sweepId + ": " + trials.size() + " trial(s), " + parallel + " at once"
                    + (settings.gpusPerTrial() == 0 ? "" : ", " + settings.gpusPerTrial() + " GPU(s) each of "
                            + String.join(",", pool.stream().map(GpuSlot::label).toList()))
                    + (settings.objective() == null ? "" : "; objective " + settings.objective() + " ("
                            + SweepState.direction(settings.direction()).replace('-', ' ') + ")")
                    + "; failurePolicy=" + settings.failurePolicy().text() + (settings.retries() > 0 ? ", retries=" + settings.retries() : ""));
            return new Launch(runConfig, settings, build, sweepId, dir, pool, parallel, resume, start).run(trials);
        }
    }

    private List<GpuSlot> pool(SweepSettings settings, PreparedBuild build, ProjectInfo project) {
        if (settings.gpusPerTrial() == 0) {
            return List.of();
        }
        if (!settings.gpuDevices().isEmpty()) {
            return settings.gpuDevices().stream().map(GpuSlot::named).toList();
        }
        List<GpuSlot> found = new GpuDiscovery(build.engine(), log).discover(build.image(), build.gpuMode(), project.coordinates())
                .stream().map(GpuSlot::found).toList();
        log.info("GPUs found: " + String.join(", ", found.stream().map(s -> s.label() + " (" + s.deviceId() + ")").toList()));
        return found;
    }

    private static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ExpError("Cannot create the sweep directory " + dir + ": " + e.getMessage(), "check that the build directory is writable", e);
        }
    }

    /** One sweep's launch, on a prepared build. */
    private final class Launch {
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

        Launch(RunConfiguration config, SweepSettings settings, PreparedBuild build, String sweepId, SweepDirectory dir,
               List<GpuSlot> pool, int parallel, ResumeIndex resume, Instant start) {
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
                    return conclude(state, stop, shutdown);
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
                    settings.objective() == null ? null : new SweepRecord.Objective(settings.objective(), SweepState.direction(settings.direction())),
                    parallel, settings.gpusPerTrial(), pool.stream().map(GpuSlot::label).toList(), settings.failurePolicy().text(),
                    settings.retries(), start.toString(), null, null, entries);
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
            GpuLeases leases = settings.gpusPerTrial() == 0 ? null : Leasing.leases(config, build, log);
            TrialRunner runner = new TrialRunner(log, config, build, settings, sweepId, state, stop, leases, pool,
                    ConfigValues.gpuWait(config.gpuWait()), parallel);
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
                    state.update(t.number(), new Trial(t.trial(), t.number(), t.params(), TrialStatus.CANCELLED, null, List.of(), null,
                            null, null, null, null, null, List.of(), why, null, null));
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
                state.update(number, new Trial(t.trial(), number, t.params(), TrialStatus.FAILED, t.runId(), t.attempts(), t.metrics(),
                        t.queueWaitMs(), t.leaseWaitMs(), t.startedAt(), t.endedAt(), t.durationMs(), t.gpus(),
                        TrialRunner.firstLine(String.valueOf(e.getMessage())), SweepRecord.Fault.INFRASTRUCTURE, null));
            }
        }

        private SweepResult conclude(SweepState state, SweepStop stop, SweepShutdown shutdown) {
            SweepRecord now = state.record();
            List<Trial> failed = now.trials().stream()
                    .filter(t -> t.status() == TrialStatus.FAILED || t.status() == TrialStatus.TIMED_OUT).toList();
            long succeeded = now.trials().stream().filter(t -> t.status() == TrialStatus.SUCCEEDED).count();
            Optional<Trial> best = state.best();
            String failure = null;
            ExpException thrown = null;
            Status status = Status.SUCCEEDED;
            if (shutdown.interrupted()) {
                status = Status.INTERRUPTED;
                failure = "The build was interrupted.";
                thrown = new ExpFailure("Sweep " + sweepId + " was interrupted: " + succeeded + " of " + now.trials().size()
                        + " trial(s) succeeded.", "-Dexp.resume=" + sweepId + " runs only the trials that did not succeed");
            } else if (!failed.isEmpty() && (settings.failurePolicy() != FailurePolicy.IGNORE || succeeded == 0)) {
                status = Status.FAILED;
                failure = failed.size() + " of " + now.trials().size() + " trial(s) failed: "
                        + String.join(", ", failed.stream().map(Trial::trial).toList());
                // Only the infrastructure at fault (engine, GPUs, memory): a build error, not a failure of the project.
                boolean infrastructure = failed.stream().allMatch(t -> t.fault() == SweepRecord.Fault.INFRASTRUCTURE);
                String message = "Sweep " + sweepId + ": " + failure + (stop.stopping() ? " (" + stop.reason() + "; the rest were stopped)" : "")
                        + "\n    " + String.join("\n    ", failed.stream().map(t -> t.trial() + " (run " + t.runId() + "): " + t.failure()).toList());
                String fix = "see each trial's log (target/exp/runs/<run>/log.txt); -Dexp.resume=" + sweepId
                        + " re-runs only the trials that did not succeed; failurePolicy=ignore accepts a sweep where some trial succeeded";
                thrown = infrastructure ? new ExpError(message, fix) : new ExpFailure(message, fix);
            } else if (succeeded == 0) {
                status = Status.FAILED;
                failure = "No trial succeeded.";
                thrown = new ExpFailure("Sweep " + sweepId + ": no trial succeeded.", "see each trial's log (target/exp/runs/<run>/log.txt)");
            } else if (settings.objective() != null && best.isEmpty()) {
                status = Status.FAILED;
                failure = "No trial reported the objective " + settings.objective() + ".";
                thrown = new ExpFailure("Sweep " + sweepId + ": no succeeded trial reported the objective metric '" + settings.objective()
                        + "'; they reported: " + reported(now) + ".", "set <objective> (-Dexp.objective) to one of those, or log it from the script");
            }
            SweepRecord done = state.finish(status, failure);
            shutdown.finished();
            SweepTable.lines(done).forEach(log::info);
            log.info("Sweep record: " + dir.record());
            if (thrown != null) {
                throw thrown;
            }
            Path bestRecord = best.map(t -> results.get(t.number()).directory().record()).orElse(null);
            if (bestRecord != null) {
                copyToLastRun(bestRecord);
            }
            return new SweepResult(done, dir.record(), bestRecord, attachments(done));
        }

        private String reported(SweepRecord record) {
            return String.join(", ", record.trials().stream().filter(t -> t.metrics() != null)
                    .flatMap(t -> t.metrics().keySet().stream()).distinct().sorted().toList());
        }

        /** target/exp/last-run.json names the best trial, so a later exp:verify or exp:tag judges it. */
        private void copyToLastRun(Path bestRecord) {
            Path last = RunDirectory.lastRun(config.buildDir());
            try {
                Path tmp = last.resolveSibling(last.getFileName() + "." + sweepId + ".tmp");
                Files.copy(bestRecord, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, last, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new ExpError("Cannot write " + last + ": " + e.getMessage(), "check that the build directory is writable", e);
            }
        }

        private List<Attachment> attachments(SweepRecord done) {
            List<Attachment> list = new ArrayList<>(List.of(new Attachment(dir.record(), "exp-sweep", "json"),
                    new Attachment(dir.csv(), "exp-sweep", "csv")));
            for (Trial t : done.trials()) {
                RunResult r = results.get(t.number());
                if (r != null) {
                    r.attachments().forEach(a -> list.add(new Attachment(a.file(), a.classifier() + "-" + t.trial(), a.type())));
                }
            }
            return list;
        }
    }
}
