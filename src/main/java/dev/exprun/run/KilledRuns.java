package dev.exprun.run;

import dev.exprun.container.BuildIdentity;
import dev.exprun.container.LeftoverSweeper.Leftover;
import dev.exprun.core.ExpLog;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunRecord.KilledInfo;
import dev.exprun.record.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Finishes the records of runs whose build was killed (SIGKILL skips every hook, so their record
 * says {@code running} for ever): when the leftover sweep removes such a run's container, its
 * run.json, last-run.json while it still names that run, and its git note say {@code killed}, with
 * when and by whom it was found. Nothing else of the run directory is touched.
 */
final class KilledRuns {
    private KilledRuns() {
    }

    /** Called by the sweep before it removes the leftover's container (once it is gone, no later sweep finds the run). */
    static void finish(Leftover leftover, RunConfiguration config, boolean noteInGit, String foundByRun, ExpLog log) {
        if (leftover.runId() == null) {
            return;
        }
        // Containers made before the run-dir label existed: the run dir of this project, if it is one of ours.
        RunDirectory dir = leftover.runDir() != null ? new RunDirectory(Path.of(leftover.runDir()))
                : RunDirectory.of(config.buildDir(), leftover.runId());
        Path root = dir.root();
        if (!Files.isRegularFile(dir.record())) {
            return;
        }
        RunRecord record = RecordJson.read(dir.record(), RunRecord.class);
        if (!leftover.runId().equals(record.runId()) || record.status() != RunStatus.RUNNING) {
            return;
        }
        BuildIdentity me = BuildIdentity.current();
        String now = Instant.now().toString();
        RunRecord killed = record.killed("The build that ran it (pid " + leftover.build().pid() + " on " + leftover.build().host()
                        + ") was killed before the run ended; run " + foundByRun + " found its container at " + now + " and removed it.",
                new KilledInfo(now, foundByRun, me.host(), me.pid(), leftover.build().host(), leftover.build().pid()));
        RecordJson.writeAtomically(dir.record(), killed);
        Path buildDir = config.buildDir();
        RecordWriter.replaceIfStillRunning(RunDirectory.lastRun(buildDir), killed);
        RecordWriter.replaceIfStillRunning(RunDirectory.lastReproduction(buildDir), killed);
        log.warn("Run " + record.runId() + " of a killed build (pid " + leftover.build().pid() + ") is now recorded as killed: " + dir.record());
        if (noteInGit) {
            Path repoDir = killed.git() != null && killed.git().workTree() != null && Files.isDirectory(Path.of(killed.git().workTree()))
                    ? Path.of(killed.git().workTree()) : config.baseDir();
            RunNoteWriter.append(log, repoDir, killed.project(), killed, dir, null);
        }
    }
}
