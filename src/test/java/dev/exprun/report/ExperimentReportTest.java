package dev.exprun.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.git.GitProvenance;
import dev.exprun.git.GitProvenanceResolver;
import dev.exprun.history.RunNote;
import dev.exprun.history.RunNotes;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunStatus;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.Projects;
import dev.exprun.testing.Records;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.exprun.tagging.TagAnnotation;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exp:report over a real repository with noted runs: one self-contained page, the table, and the best runs' curves. */
class ExperimentReportTest {
    @TempDir
    Path tmp;

    /** A noted run; with a run directory and its metrics series when series is not null. */
    private static void run(Path repo, GitProvenance git, String id, double valAcc, String series, RunStatus status) throws Exception {
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
        try (Repository r = new FileRepositoryBuilder().findGitDir(repo.toFile()).build()) {
            new RunNotes(r).append(git.commit(), RunNote.of(record, List.of(), null));
        }
    }

    @Test
    void thePageIsSelfContainedWithTheTableAndTheBestRunsCurves() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of(".gitignore", "target/\n", "train.py", "x\n"));
        GitProvenance git = new GitProvenanceResolver(new CapturingLog(), Map.of()).resolve(repo, repo.resolve("target"), null);
        run(repo, git, "run-1", 0.80, "{\"step\": 1, \"loss\": 1.0, \"val_acc\": 0.5}\n{\"step\": 2, \"loss\": NaN, \"val_acc\": 0.8}\n"
                + "{\"step\": 3, \"loss\": 0.01, \"val_acc\": 0.8}\n", RunStatus.SUCCEEDED);
        run(repo, git, "run-2", 0.95, "{\"step\": 1, \"loss\": 0.9}\n{\"step\": 2, \"loss\": 0.001}\n{\"step\": 3, \"loss\"", RunStatus.SUCCEEDED);
        run(repo, git, "run-3", 0.60, null, RunStatus.SUCCEEDED);
        run(repo, git, "run-4", 0.10, "{\"step\": 1, \"loss\": 5.0}\n", RunStatus.FAILED);

        CapturingLog log = new CapturingLog();
        Path index = new ExperimentReport(log).write(repo, repo.resolve("target"), "org.example:model",
                new ReportOptions(List.of(), "val_acc", 2, false, null, List.of(), List.of()), repo.resolve("target/exp/report"));
        String page = Files.readString(index);

        assertTrue(page.startsWith("<!DOCTYPE html>"));
        for (String id : List.of("run-1", "run-2", "run-3", "run-4")) {
            assertTrue(page.contains(">" + id + "<"), id + " is in the table");
        }
        assertTrue(page.contains("<tr class=\"failed\">"), "a failed run is marked");
        // The best two by val_acc with series: run-2 (0.95) then run-1 (0.80); run-3 is known from the notes only.
        assertTrue(page.contains("2 run(s) overlaid: the best by val_acc, up to 2. 1 run(s) are known from the git notes only"), page);
        assertTrue(page.indexOf("<i style=\"background:#0072B2\"></i>run-2") > 0, "the best first in the legend");
        assertEquals(2, count(page, "<svg "), "one chart per metric: loss, val_acc");
        assertTrue(page.contains("log scale"), "loss spans three decades");
        assertTrue(page.contains("id=\"run-run-2\""), "the overlaid runs have a detail anchor");
        // Self-contained: no reference that a browser would fetch.
        Matcher external = Pattern.compile("(?i)(src|href)\\s*=\\s*\"(?!#)|url\\(|@import|https?://(?!www\\.w3\\.org/2000/svg\")").matcher(page);
        assertFalse(external.find(), () -> "an external reference: " + page.substring(Math.max(0, external.start() - 40), external.end() + 40));
        assertFalse(Pattern.compile("(points|cx|cy|x|y)=\"[^\"]*(NaN|Infinity)").matcher(page).find(), "no NaN reaches a coordinate");
        assertTrue(log.lines().contains("INFO Report: " + index + " (4 run(s), 2 chart(s) of 2 run(s), 0 exp tag(s))"), log.lines().toString());
        assertTrue(page.contains("No exp tag yet: exp:tag writes them"), "the timeline says why it is empty");
    }

    @Test
    void theTagTimelineDrawsEachExpTagInTheOrderItWasMade() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of(".gitignore", "target/\n", "train.py", "x\n"));
        GitProvenance git = new GitProvenanceResolver(new CapturingLog(), Map.of()).resolve(repo, repo.resolve("target"), null);
        RunRecord sample = Records.sample();
        try (Repository r = new FileRepositoryBuilder().findGitDir(repo.toFile()).build(); Git g = Git.wrap(r)) {
            ObjectId head = r.resolve("HEAD");
            // Named against their order: the timeline follows the tagger's date, not the name.
            tag(g, head, "v2-later", 0.95, sample, git, 1_700_000_100);
            tag(g, head, "v1-first", 0.91, sample, git, 1_700_000_000);
        }
        Path index = new ExperimentReport(new CapturingLog()).write(repo, repo.resolve("target"), "org.example:model",
                new ReportOptions(List.of("val_acc"), null, 7, false, null, List.of(), List.of()), repo.resolve("target/exp/report"));
        String page = Files.readString(index);
        assertTrue(page.contains("2 exp tag(s), oldest first"), page);
        assertTrue(page.contains("class=\"chart timeline\""));
        assertTrue(page.indexOf(">v1-first</text>") > 0 && page.indexOf(">v1-first</text>") < page.indexOf(">v2-later</text>"), "oldest first");
        assertTrue(page.contains("<title>v2-later: 0.95</title>"));
    }

    private static void tag(Git g, ObjectId commit, String name, double valAcc, RunRecord sample, GitProvenance git, long epochSeconds)
            throws Exception {
        RunRecord run = new RunRecord(RunRecord.SCHEMA, "run-" + name, RunStatus.SUCCEEDED, 0, null, sample.project(), git, sample.image(),
                sample.container(), Map.of(), Map.of("val_acc", valAcc), List.of(), null, null, "2026-11-30T10:00:00Z", null, null);
        try (RevWalk walk = new RevWalk(g.getRepository())) {
            g.tag().setName(name).setAnnotated(true).setObjectId(walk.parseCommit(commit))
                    .setTagger(new PersonIdent("IT", "it@example.invalid", java.time.Instant.ofEpochSecond(epochSeconds), java.time.ZoneOffset.UTC))
                    .setMessage(TagAnnotation.write(run, List.of())).call();
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
