package dev.exprun.report;

import dev.exprun.git.GitProvenance;
import dev.exprun.git.GitProvenanceResolver;
import dev.exprun.history.RunNote;
import dev.exprun.history.RunNotes;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunStatus;
import dev.exprun.tagging.TagAnnotation;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.Records;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** What the report reads, made in a real repository: noted runs (with or without a run directory), sweep trials, exp tags. */
final class ReportFixtures {
    private ReportFixtures() {
    }

    static GitProvenance git(Path repo) {
        return new GitProvenanceResolver(new CapturingLog(), Map.of()).resolve(repo, repo.resolve("target"), null);
    }

    /** A noted run (param lr and metric val_acc both valAcc); with a run directory and its metrics series when series is not null. */
    static void run(Path repo, GitProvenance git, String id, double valAcc, String series, RunStatus status) throws Exception {
        RunRecord sample = Records.sample();
        RunRecord record = new RunRecord(RunRecord.SCHEMA, id, status, 0, null, sample.project(), git, sample.image(), sample.container(),
                Map.of("lr", valAcc), Map.of("val_acc", valAcc), List.of(), sample.engine(), sample.host(),
                "2026-11-30T10:00:0" + id.charAt(id.length() - 1) + "Z", null, null);
        if (series != null) {
            Path dir = repo.resolve("target/exp/runs").resolve(id);
            Files.createDirectories(dir.resolve("out"));
            RecordJson.writeAtomically(dir.resolve("run.json"), record);
            Files.writeString(dir.resolve("out/metrics.jsonl"), series);
        }
        note(repo, git, record, null);
    }

    /** A trial of the sweep s1, noted (no run directory): its label, its attempt, its params and val_acc (null: none). */
    static void trial(Path repo, GitProvenance git, String id, String trial, int attempt, Map<String, Object> params, Double valAcc,
                      RunStatus status) throws Exception {
        RunRecord sample = Records.sample();
        RunRecord record = new RunRecord(RunRecord.SCHEMA, id, status, 0, null, sample.project(), git, sample.image(), sample.container(),
                params, valAcc == null ? Map.of() : Map.of("val_acc", valAcc), List.of(), sample.engine(), sample.host(),
                "2026-11-30T10:0" + id.charAt(6) + ":" + (attempt == 2 ? "30" : "00") + "Z", null, null)
                .withSweep(new RunRecord.SweepTrial("s1", trial, attempt));
        note(repo, git, record, null);
    }

    static void note(Path repo, GitProvenance git, RunRecord record, String reproduces) throws Exception {
        try (Repository r = new FileRepositoryBuilder().findGitDir(repo.toFile()).build()) {
            new RunNotes(r).append(git.commit(), RunNote.of(record, List.of(), reproduces));
        }
    }

    /** An exp tag as exp:tag writes it (the run's metrics in the annotation), made at epochSeconds. */
    static void tag(Git g, ObjectId commit, String name, double valAcc, GitProvenance git, long epochSeconds) throws Exception {
        RunRecord sample = Records.sample();
        RunRecord run = new RunRecord(RunRecord.SCHEMA, "run-" + name, RunStatus.SUCCEEDED, 0, null, sample.project(), git, sample.image(),
                sample.container(), Map.of(), Map.of("val_acc", valAcc), List.of(), null, null, "2026-11-30T10:00:00Z", null, null);
        try (RevWalk walk = new RevWalk(g.getRepository())) {
            g.tag().setName(name).setAnnotated(true).setObjectId(walk.parseCommit(commit))
                    .setTagger(new PersonIdent("IT", "it@example.invalid", Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC))
                    .setMessage(TagAnnotation.write(run, List.of())).call();
        }
    }

    static GitProvenance onBranch(GitProvenance g, String branch) {
        return new GitProvenance(g.present(), g.workTree(), g.projectPath(), g.commit(), branch, g.detached(), g.branchSource(), g.describe(),
                g.tagsAtHead(), g.remoteUrl(), g.shallow(), g.dirty(), g.changes(), g.patchSha256(), g.patchBytes());
    }
}
