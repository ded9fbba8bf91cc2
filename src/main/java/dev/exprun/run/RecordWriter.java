package dev.exprun.run;

import dev.exprun.core.ExpLog;
import dev.exprun.core.FileTrees;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunRecord.EngineInfo;
import dev.exprun.record.RunRecord.GpusSeen;
import dev.exprun.record.RunRecord.OutputFile;
import dev.exprun.record.RunRecord.RuntimeReport;
import dev.exprun.record.RunRecord.SlurmJob;
import dev.exprun.record.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Keeps a run's record and writes its final form exactly once: the build thread and the shutdown
 * hook may both try, the first one wins, and last-run.json always matches run.json.
 */
final class RecordWriter {
    /** last-run.json and last-reproduction.json are written by the build thread and by the sweep of killed runs. */
    private static final Object LATEST = new Object();

    private final RunDirectory dir;
    private final Path lastRun;
    private RunRecord record;
    private boolean finished;

    RecordWriter(RunRecord started, RunDirectory dir, Path buildDir) {
        this.record = started;
        this.dir = dir;
        // A sweep's trial leaves last-run.json to its sweep, which names the best trial there when the sweep ends.
        this.lastRun = started.sweep() != null ? null
                : started.reproduces() == null ? RunDirectory.lastRun(buildDir) : RunDirectory.lastReproduction(buildDir);
    }

    synchronized RunRecord current() {
        return record;
    }

    synchronized String runId() {
        return record.runId();
    }

    synchronized void containerEnded(String containerId, GpusSeen gpus, Instant started, Instant ended) {
        record = record.withContainer(record.container().ended(containerId, gpus, started == null ? null : started.toString(),
                ended == null ? null : ended.toString()));
    }

    synchronized void engine(EngineInfo engine) {
        if (engine != null && record.engine() == null) {
            record = record.withEngine(engine);
        }
    }

    /** The Slurm job as it changes: written at once, so that its id is in run.json while it is queued or runs. */
    synchronized void slurm(SlurmJob job) {
        record = record.withSlurm(job);
        if (!finished) {
            RecordJson.writeAtomically(dir.record(), record);
        }
    }

    synchronized void runtime(RuntimeReport report) {
        if (report != null) {
            record = record.withRuntime(report);
        }
    }

    synchronized void results(Map<String, Double> metrics, List<OutputFile> outputs) {
        record = record.withResults(metrics, outputs);
    }

    synchronized RunRecord finish(RunStatus status, Integer exitCode, String failure) {
        if (finished) {
            return record;
        }
        Instant end = Instant.now();
        long millis = Duration.between(Instant.parse(record.startedAt()), end).toMillis();
        record = record.ended(status, exitCode, failure, end.toString(), millis);
        RecordJson.writeAtomically(dir.record(), record);
        if (lastRun != null) {
            synchronized (LATEST) {
                try {
                    FileTrees.copyAtomically(dir.record(), lastRun);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("Cannot write " + lastRun, e);
                }
            }
        }
        finished = true;
        return record;
    }

    /**
     * Replaces a last-run.json or last-reproduction.json with a later form of the same run, only while
     * it still names that run and says running: never over a newer run's finished record.
     */
    static void replaceIfStillRunning(Path latest, RunRecord finished) {
        synchronized (LATEST) {
            if (!Files.isRegularFile(latest)) {
                return;
            }
            RunRecord there = RecordJson.read(latest, RunRecord.class);
            if (finished.runId().equals(there.runId()) && there.status() == RunStatus.RUNNING) {
                RecordJson.writeAtomically(latest, finished);
            }
        }
    }

    /** From the shutdown hook, when the build thread could not finish in time. */
    void finishInterrupted(ExpLog log) {
        finish(RunStatus.INTERRUPTED, null, "The build was interrupted; the container was stopped and removed.");
        log.warn("Run " + runId() + " interrupted; record written to " + dir.record());
    }
}
