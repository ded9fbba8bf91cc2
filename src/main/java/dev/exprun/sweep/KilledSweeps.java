package dev.exprun.sweep;

import dev.exprun.container.BuildIdentity;
import dev.exprun.core.ExpLog;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.run.RunDirectory;
import dev.exprun.sweep.SweepRecord.Status;
import dev.exprun.sweep.SweepRecord.Trial;
import dev.exprun.sweep.SweepRecord.TrialStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finishes the records of sweeps whose build was killed (SIGKILL skips every hook, so sweep.json says
 * {@code running} for ever): a later sweep of the project finds them by their build process, gone from this
 * host, and records them as {@code killed}; each trial takes its run's final status (the leftover sweep
 * finishes the runs themselves), and trials that never started are {@code cancelled}.
 */
final class KilledSweeps {
    private KilledSweeps() {
    }

    static void finish(Path buildDir, String foundBy, ExpLog log) {
        Path sweeps = buildDir.resolve("exp").resolve("sweeps");
        if (!Files.isDirectory(sweeps)) {
            return;
        }
        String thisHost = BuildIdentity.current().host();
        try (Stream<Path> dirs = Files.list(sweeps)) {
            for (Path dir : dirs.toList()) {
                SweepDirectory sweep = new SweepDirectory(dir);
                if (Files.isRegularFile(sweep.record())) {
                    finish(buildDir, sweep, thisHost, foundBy, log);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Could not check earlier sweeps for killed builds: " + e.getMessage());
        }
    }

    private static void finish(Path buildDir, SweepDirectory dir, String thisHost, String foundBy, ExpLog log) {
        SweepRecord record = RecordJson.read(dir.record(), SweepRecord.class);
        if (record.status() != Status.RUNNING || record.build() == null || record.build().isAlive(thisHost)) {
            return;
        }
        String now = Instant.now().toString();
        String why = "The build that ran it (pid " + record.build().pid() + " on " + record.build().host() + ") was killed; sweep "
                + foundBy + " found it at " + now + ".";
        List<Trial> trials = record.trials().stream().map(t -> ended(buildDir, t, why)).toList();
        SweepRecord killed = record.with(Status.KILLED, why, null, record.best(), trials);
        RecordJson.writeAtomically(dir.record(), killed);
        SweepCsv.write(dir.csv(), killed);
        Path last = SweepDirectory.last(buildDir);
        if (Files.isRegularFile(last) && record.sweepId().equals(RecordJson.read(last, SweepRecord.class).sweepId())) {
            RecordJson.writeAtomically(last, killed);
        }
        log.warn("Sweep " + record.sweepId() + " of a killed build (pid " + record.build().pid() + ") is now recorded as killed: "
                + dir.record());
    }

    private static Trial ended(Path buildDir, Trial t, String why) {
        TrialStatus status = switch (t.status()) {
            case QUEUED -> TrialStatus.CANCELLED;
            case RUNNING, FINISHING -> runStatus(buildDir, t.runId());
            default -> t.status();
        };
        if (status == t.status()) {
            return t;
        }
        return t.withStatus(status, why, t.fault());
    }

    /** The trial's run as its record ended (a run that finished before the kill keeps its status), else killed. */
    private static TrialStatus runStatus(Path buildDir, String runId) {
        RunDirectory run = runId == null ? null : RunDirectory.of(buildDir, runId);
        if (run == null || !Files.isRegularFile(run.record())) {
            return TrialStatus.KILLED;
        }
        return switch (RecordJson.read(run.record(), RunRecord.class).status()) {
            case SUCCEEDED -> TrialStatus.SUCCEEDED;
            case FAILED -> TrialStatus.FAILED;
            case TIMED_OUT -> TrialStatus.TIMED_OUT;
            case INTERRUPTED -> TrialStatus.INTERRUPTED;
            default -> TrialStatus.KILLED;
        };
    }
}
