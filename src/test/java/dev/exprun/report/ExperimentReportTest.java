package dev.exprun.report;

import static dev.exprun.report.ReportFixtures.git;
import static dev.exprun.report.ReportFixtures.note;
import static dev.exprun.report.ReportFixtures.onBranch;
import static dev.exprun.report.ReportFixtures.run;
import static dev.exprun.report.ReportFixtures.tag;
import static dev.exprun.report.ReportFixtures.trial;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.git.GitProvenance;
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
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exp:report over a real repository with noted runs: one self-contained page, the table, and the best runs' curves. */
class ExperimentReportTest {
    @TempDir
    Path tmp;

    @Test
    void thePageIsSelfContainedWithTheTableAndTheBestRunsCurves() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of(".gitignore", "target/\n", "train.py", "x\n"));
        GitProvenance git = git(repo);
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
        assertTrue(log.lines().contains("INFO Report: " + index + " (4 run(s), 2 curve chart(s) of 2 run(s), 0 sweep(s), 0 exp tag(s))"), log.lines().toString());
        assertTrue(page.contains("No exp tag yet: exp:tag writes them"), "the timeline says why it is empty");
    }

    @Test
    void theTagTimelineDrawsEachExpTagInTheOrderItWasMade() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of(".gitignore", "target/\n", "train.py", "x\n"));
        GitProvenance git = git(repo);
        try (Repository r = new FileRepositoryBuilder().findGitDir(repo.toFile()).build(); Git g = Git.wrap(r)) {
            ObjectId head = r.resolve("HEAD");
            // Named against their order: the timeline follows the tagger's date, not the name.
            tag(g, head, "v2-later", 0.95, git, 1_700_000_100);
            tag(g, head, "v1-first", 0.91, git, 1_700_000_000);
        }
        Path index = new ExperimentReport(new CapturingLog()).write(repo, repo.resolve("target"), "org.example:model",
                new ReportOptions(List.of("val_acc"), null, 7, false, null, List.of(), List.of()), repo.resolve("target/exp/report"));
        String page = Files.readString(index);
        assertTrue(page.contains("2 exp tag(s), oldest first"), page);
        assertTrue(page.contains("class=\"chart timeline\""));
        assertTrue(page.indexOf(">v1-first</text>") > 0 && page.indexOf(">v1-first</text>") < page.indexOf(">v2-later</text>"), "oldest first");
        assertTrue(page.contains("<title>v2-later: 0.95</title>"));
    }

    @Test
    void eachSweepIsDrawnInParallelCoordinatesAndScattersWithItsBestTrialNamed() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of(".gitignore", "target/\n", "train.py", "x\n"));
        GitProvenance git = git(repo);
        trial(repo, git, "trial-1", "t01", 1, Map.of("lr", 0.001, "opt", "adam"), 0.80, RunStatus.SUCCEEDED);
        trial(repo, git, "trial-2a", "t02", 1, Map.of("lr", 0.01, "opt", "sgd"), null, RunStatus.FAILED);
        trial(repo, git, "trial-2b", "t02", 2, Map.of("lr", 0.01, "opt", "sgd"), 0.85, RunStatus.SUCCEEDED);
        trial(repo, git, "trial-3", "t03", 1, Map.of("lr", 0.1, "opt", "adam"), 0.93, RunStatus.SUCCEEDED);
        trial(repo, git, "trial-4", "t04", 1, Map.of("lr", 1.0, "opt", "sgd"), null, RunStatus.FAILED);

        String page = Files.readString(new ExperimentReport(new CapturingLog()).write(repo, repo.resolve("target"), "org.example:model",
                new ReportOptions(List.of(), "val_acc", 7, false, null, List.of(), List.of()), repo.resolve("target/exp/report")));

        assertTrue(page.contains("<h3 id=\"sweep-s1\">Sweep s1</h3>"), page);
        // t02's retry counts once, with its newest attempt.
        assertTrue(page.contains("4 trial(s) by val_acc (higher is better); the best is t03, run trial-3: val_acc 0.93, params {lr=0.1, opt=adam}."),
                page);
        assertEquals(3, count(page, "class=\"chart sweep\""), "parallel coordinates, then a scatter of lr and one of opt");
        assertTrue(page.contains(">lr (log)</text>"), "lr spans three decades: a log axis");
        assertTrue(page.contains(">best t03</text>"), "the best trial is named in the scatters");
        assertTrue(page.contains("1 trial(s) without val_acc not drawn"), "t04 failed before it logged the objective");
        assertTrue(page.contains("stroke-dasharray=\"4 3\"><title>t04 trial-4"), "a trial without the objective is dashed in the parallel chart");
    }

    @Test
    void theTimelineShadesTheBaselinesAllowedRegressionAndMarksATagPastIt() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of(".gitignore", "target/\n", "train.py", "x\n"));
        GitProvenance git = git(repo);
        try (Repository r = new FileRepositoryBuilder().findGitDir(repo.toFile()).build(); Git g = Git.wrap(r)) {
            ObjectId head = r.resolve("HEAD");
            tag(g, head, "v1", 0.90, git, 1_700_000_000);
            tag(g, head, "v2", 0.93, git, 1_700_000_100);
            tag(g, head, "v3-a-rather-long-name-for-a-release-candidate-tag", 0.91, git, 1_700_000_200);
        }
        String page = Files.readString(new ExperimentReport(new CapturingLog()).write(repo, repo.resolve("target"), "org.example:model",
                new ReportOptions(List.of("val_acc"), null, 7, false, null, List.of(), List.of(), List.of(), ReportOptions.Format.HTML, "v2",
                        Map.of("val_acc", "0.01")), repo.resolve("target/exp/report")));
        assertTrue(page.contains("3 exp tag(s), oldest first, with the metrics of their annotations; the baseline is v2, its allowed regression shaded."),
                page);
        assertTrue(page.contains("<rect class=\"allowed\""), "the allowed band is shaded");
        assertTrue(page.contains(">baseline v2 0.93; allowed to 0.92</text>"), page);
        assertTrue(page.contains("<title>v3-a-rather-long-name-for-a-release-candidate-tag: 0.91, past the regression allowed from v2</title>"),
                "the tag below 0.92 is marked, with its whole name");
        assertTrue(page.contains(">v3-a-rather-long-name-for-a-rel\u2026</text>"), "a long name is cut on the axis");
        assertTrue(page.contains("<title>v1: 0.9</title>"), "v1 predates the baseline and is not judged against it");
    }

    @Test
    void branchesPickTheRunsAndSvgWritesEachChartAsItsOwnFile() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of(".gitignore", "target/\n", "train.py", "x\n"));
        GitProvenance main = git(repo);
        String series = "{\"step\": 1, \"loss\": 1.0}\n{\"step\": 2, \"loss\": 0.5}\n";
        run(repo, main, "run-1", 0.80, series, RunStatus.SUCCEEDED);
        run(repo, onBranch(main, "exp/adamw"), "run-2", 0.85, series, RunStatus.SUCCEEDED);
        run(repo, onBranch(main, "exp/dropout"), "run-3", 0.70, series, RunStatus.SUCCEEDED);
        run(repo, onBranch(main, "exp/dropout/deep"), "run-4", 0.75, series, RunStatus.SUCCEEDED);

        Path out = repo.resolve("target/exp/report");
        CapturingLog log = new CapturingLog();
        Path written = new ExperimentReport(log).write(repo, repo.resolve("target"), "org.example:model",
                new ReportOptions(List.of("loss"), null, 7, false, null, List.of(), List.of(), List.of("exp/*"), ReportOptions.Format.SVG, null,
                        Map.of()), out);

        assertEquals(out, written);
        assertFalse(Files.exists(out.resolve("index.html")), "svg writes no page");
        assertTrue(log.lines().contains("INFO Report: 1 chart(s) as SVG files in " + out + " (2 run(s), 1 curve chart(s) of 2 run(s), 0 sweep(s), 0 exp tag(s))"),
                log.lines().toString());
        String svg = Files.readString(out.resolve("curves-loss.svg"));
        assertTrue(svg.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
        assertTrue(svg.contains("<style>svg{color:#1b1b1b;background:#fff"), "styled without the page");
        assertTrue(svg.contains("<title>run-2</title>") && svg.contains("<title>run-3</title>"), "exp/adamw and exp/dropout match exp/*");
        assertFalse(svg.contains("<title>run-1</title>") || svg.contains("<title>run-4</title>"), "main and exp/dropout/deep do not");
    }

    @Test
    void aRunsDetailNamesItsProvenanceAndTheRunsThatReproducedIt() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of(".gitignore", "target/\n", "train.py", "x\n"));
        GitProvenance git = git(repo);
        run(repo, git, "run-1", 0.80, "{\"step\": 1, \"val_acc\": 0.8}\n", RunStatus.SUCCEEDED);
        RunRecord again = new RunRecord(RunRecord.SCHEMA, "run-2", RunStatus.SUCCEEDED, 0, null, Records.sample().project(), git,
                Records.sample().image(), Records.sample().container(), Map.of(), Map.of("val_acc", 0.7999), List.of(), null, null,
                "2026-11-30T11:00:00Z", null, null);
        note(repo, git, again, "run-1");
        String page = Files.readString(new ExperimentReport(new CapturingLog()).write(repo, repo.resolve("target"), "org.example:model",
                new ReportOptions(List.of(), null, 7, false, null, List.of(), List.of()), repo.resolve("target/exp/report")));
        String detail = page.substring(page.indexOf("<section id=\"run-run-1\">"));
        assertTrue(detail.contains("<li>commit <code>" + git.commit() + "</code></li>"), detail);
        assertTrue(detail.contains("<li>image " + Records.sample().image().reference() + " = <code>" + Records.sample().image().digest()),
                detail);
        assertTrue(detail.contains("<li>reproduced by run run-2 (succeeded): metrics <code>{val_acc=0.7999}</code></li>"), detail);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
