package dev.exprun.sweep;

import dev.exprun.core.ExpError;
import dev.exprun.git.GitProvenance;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunStatus;
import dev.exprun.run.RunDirectory;
import dev.exprun.sweep.SweepRecord.Trial;
import dev.exprun.sweep.SweepRecord.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The trials of an earlier run of a sweep (-Dexp.resume): a trial that succeeded on the same commit, patch,
 * image digest, command and params is reused instead of run again, if its run directory is still there
 * (its record and outputs are what the build attaches).
 */
final class ResumeIndex {
    private final SweepRecord previous;
    private final Path buildDir;

    private ResumeIndex(SweepRecord previous, Path buildDir) {
        this.previous = previous;
        this.buildDir = buildDir;
    }

    /** resume: "true" for this project's newest sweep, else a sweep id. */
    static ResumeIndex load(Path buildDir, String resume) {
        String sweepId = resume;
        if (resume.equalsIgnoreCase("true")) {
            Path last = SweepDirectory.last(buildDir);
            if (!Files.isRegularFile(last)) {
                throw new ExpError("-Dexp.resume=true found no sweep to resume: " + last + " does not exist.",
                        "run exp:sweep without -Dexp.resume first, or name the sweep: -Dexp.resume=<sweep id> (target/exp/sweeps lists them)");
            }
            sweepId = RecordJson.read(last, SweepRecord.class).sweepId();
        }
        Path record = SweepDirectory.of(buildDir, sweepId).record();
        if (!Files.isRegularFile(record)) {
            throw new ExpError("The sweep '" + sweepId + "' to resume has no record: " + record + " does not exist.",
                    "name a sweep of this project in -Dexp.resume (target/exp/sweeps lists them), or -Dexp.resume=true for the newest");
        }
        return new ResumeIndex(RecordJson.read(record, SweepRecord.class), buildDir);
    }

    String sweepId() {
        return previous.sweepId();
    }

    /** A reusable run for these params on this build's commit, patch, image and command. */
    record Reused(Trial trial, RunRecord record, RunDirectory dir) {
    }

    Optional<Reused> find(Map<String, Object> params, GitProvenance git, String imageDigest, List<String> command) {
        String wanted = RecordJson.compact(params);
        for (Trial t : previous.trials()) {
            if (t.status() != TrialStatus.SUCCEEDED || t.runId() == null) {
                continue;
            }
            RunDirectory dir = RunDirectory.of(buildDir, t.runId());
            if (!Files.isRegularFile(dir.record())) {
                continue;
            }
            RunRecord run = RecordJson.read(dir.record(), RunRecord.class);
            if (run.status() == RunStatus.SUCCEEDED && wanted.equals(RecordJson.compact(run.params())) && sameCode(run, git)
                    && Objects.equals(run.image().digest(), imageDigest) && sameCommand(run.container().command(), command)) {
                return Optional.of(new Reused(t, run, dir));
            }
        }
        return Optional.empty();
    }

    private static boolean sameCode(RunRecord run, GitProvenance git) {
        return Objects.equals(run.git().commit(), git.commit()) && run.git().dirty() == git.dirty()
                && Objects.equals(run.git().patchSha256(), git.patchSha256());
    }

    /** The recorded command, unwrapped from the in-container GPU check when it had one. */
    private static boolean sameCommand(List<String> recorded, List<String> command) {
        if (recorded.equals(command)) {
            return true;
        }
        int sep = recorded.indexOf("--");
        return sep >= 0 && recorded.get(0).equals("/bin/sh") && recorded.subList(sep + 1, recorded.size()).equals(command);
    }
}
