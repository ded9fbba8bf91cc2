package dev.exprun.sweep;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpException;
import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.core.FileTrees;
import dev.exprun.run.Attachment;
import dev.exprun.run.RunConfiguration;
import dev.exprun.run.RunDirectory;
import dev.exprun.run.RunResult;
import dev.exprun.sweep.SweepRecord.Status;
import dev.exprun.sweep.SweepRecord.Trial;
import dev.exprun.sweep.SweepRecord.TrialStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a sweep ends: its status and the failure to report (by the failure policy), the final table, the best
 * trial named in last-run.json, and what the build attaches.
 */
final class SweepConclusion {
    private final ExpLog log;
    private final RunConfiguration config;
    private final SweepSettings settings;
    private final String sweepId;
    private final SweepDirectory dir;
    private final Map<Integer, RunResult> results;

    SweepConclusion(ExpLog log, RunConfiguration config, SweepSettings settings, String sweepId, SweepDirectory dir,
                    Map<Integer, RunResult> results) {
        this.log = log;
        this.config = config;
        this.settings = settings;
        this.sweepId = sweepId;
        this.dir = dir;
        this.results = results;
    }

    SweepResult conclude(SweepState state, SweepStop stop, SweepShutdown shutdown) {
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
            FileTrees.copyAtomically(bestRecord, last);
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
