package dev.exprun.sweep;

import dev.exprun.core.FileTrees;
import dev.exprun.record.RecordJson;
import dev.exprun.sweep.SweepRecord.Status;
import dev.exprun.sweep.SweepRecord.Trial;
import dev.exprun.sweep.SweepRecord.TrialStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The sweep's record while it runs, changed by many trial threads: every change is written to
 * sweep.json at once (a killed build leaves what was done) and shown on the board.
 */
final class SweepState {
    private final SweepDirectory dir;
    private final Path last;
    private final Consumer<SweepState> onChange;
    private SweepRecord record;
    private boolean ended;

    SweepState(SweepRecord started, SweepDirectory dir, Path last, Consumer<SweepState> onChange) {
        this.record = started;
        this.dir = dir;
        this.last = last;
        this.onChange = onChange;
        write();
    }

    synchronized SweepRecord record() {
        return record;
    }

    synchronized Trial trial(int number) {
        return record.trials().get(number - 1);
    }

    void update(int number, Trial trial) {
        update(number, trial, true);
    }

    /** shown: whether the board hears of it (a trial's container being gone is not news enough for a line). */
    void update(int number, Trial trial, boolean shown) {
        synchronized (this) {
            if (ended) {
                return; // the shutdown hook wrote the final form: later changes would contradict it
            }
            List<Trial> trials = new ArrayList<>(record.trials());
            trials.set(number - 1, trial);
            settle(record.status(), record.failure(), record.endedAt(), trials);
            write();
        }
        if (shown) {
            onChange.accept(this);
        }
    }

    /** The trial's container is gone: it is finishing (record, note) while the next one may run. */
    void finishing(int number) {
        Trial t;
        synchronized (this) {
            t = trial(number);
            if (t.status() != TrialStatus.RUNNING) {
                return;
            }
        }
        update(number, t.withStatus(TrialStatus.FINISHING, t.failure(), t.fault()), false);
    }

    /** The end: status and failure as the sweep ends. Once only; the shutdown hook and the build thread may both try. */
    synchronized SweepRecord finish(Status status, String failure) {
        if (ended) {
            return record;
        }
        List<Trial> trials = record.trials().stream()
                .map(t -> t.status() == TrialStatus.QUEUED ? t.withStatus(TrialStatus.CANCELLED, failure == null ? "not started" : failure, null) : t).toList();
        settle(status, failure, Instant.now().toString(), trials);
        write();
        SweepCsv.write(dir.csv(), record);
        ended = true;
        return record;
    }

    /** The record with these trials, and the best of them. */
    private void settle(Status status, String failure, String end, List<Trial> trials) {
        String best = record.objective() == null ? null : record.objective().best(trials).map(Trial::trial).orElse(null);
        record = record.with(status, failure, end, best, trials);
    }

    /** The best succeeded trial by the objective; ties go to the lowest trial number. */
    synchronized Optional<Trial> best() {
        return record.objective() == null ? Optional.empty() : record.objective().best(record.trials());
    }

    private void write() {
        RecordJson.writeAtomically(dir.record(), record);
        try {
            FileTrees.copyAtomically(dir.record(), last);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot write " + last, e);
        }
    }
}
