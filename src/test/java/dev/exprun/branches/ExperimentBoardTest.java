package dev.exprun.branches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.core.ExpError;
import dev.exprun.history.RunNotes;
import dev.exprun.record.RecordJson;
import dev.exprun.tagging.TagAnnotation;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exp:board over real repositories: three experiment branches with runs, a clone that has them as remote-tracking branches. */
class ExperimentBoardTest {
    private static final Instant NOW = Instant.parse("2026-11-30T13:00:00Z");
    private static final BoardOptions DEFAULTS = new BoardOptions(null, null, "val_acc", List.of(), List.of(), List.of(), "table");

    @TempDir
    Path tmp;

    @Test
    void eachBranchShowsItsBestRunAndWhereItStandsAgainstMainsBestRun() throws Exception {
        BranchFixtures f = new BranchFixtures(tmp);
        Path repo = f.threeExperiments(tmp.resolve("models"));
        Board board = board(repo, DEFAULTS);

        assertEquals("val_acc", board.objective().metric());
        assertEquals(BoardReference.Kind.RUN, board.reference().kind());
        assertEquals("m2", board.reference().runId());
        assertEquals(List.of("exp/adamw", "exp/wide", "exp/dropout"), board.rows().stream().map(r -> r.branch().name()).toList());
        BoardRow adamw = board.rows().get(0);
        assertEquals(List.of(3, 1, 2, 1, 2), List.of(adamw.runs().runs(), adamw.runs().failed(), adamw.ahead(), adamw.behind(),
                adamw.filesChanged()));
        assertEquals("a2", adamw.runs().best().runId());
        BoardRow wide = board.rows().get(1);
        assertEquals(List.of(1, 0, 0, 1, 0), List.of(wide.runs().runs(), wide.runs().failed(), wide.ahead(), wide.behind(), wide.filesChanged()));
        assertEquals("w1", wide.runs().best().runId(), "a run noted with the branch's name counts before its first commit");
        assertEquals(List.of(2, 0), List.of(board.main().runs(), board.main().failed()));

        List<String> table = BoardFormat.render(board, List.of(), "table", NOW);
        assertEquals("3 experiment branch(es), best run by val_acc (higher is better); deltas against main's best run m2.", table.get(0));
        assertEquals(List.of("BRANCH", "RUNS", "FAILED", "BEST", "RUN", "COMMIT", "AGE", "AHEAD", "BEHIND", "FILES", "VAL_ACC", "LOSS"),
                List.of(table.get(1).split("\\s+")));
        assertTrue(table.get(2).matches("main\\s+2\\s+0\\s+m2\\s+\\w{10}\\s+26h\\s+-\\s+-\\s+-\\s+0\\.85\\s+0\\.15"), table.get(2));
        assertTrue(table.get(3).matches("exp/adamw\\s+3\\s+1\\s+a2\\s+\\w{10}\\s+2h\\s+2\\s+1\\s+2\\s+0\\.9 \\(\\+0\\.05\\)\\s+0\\.1 \\(-0\\.05\\)"),
                table.get(3));
        assertTrue(table.get(4).matches("exp/wide\\s+1\\s+0\\s+w1\\s+.*\\s+0\\s+1\\s+0\\s+0\\.86 \\(\\+0\\.01\\)\\s+0\\.14 \\(-0\\.01\\)"), table.get(4));
        assertTrue(table.get(5).matches("exp/dropout\\s+1\\s+0\\s+d1\\s+.*\\s+1\\s+1\\s+1\\s+0\\.83 \\(-0\\.02\\)\\s+0\\.17 \\(\\+0\\.02\\)"), table.get(5));
        assertEquals(6, table.size(), "feature/io is not an experiment branch");
    }

    @Test
    void jsonAndCsvCarryTheSameRowsWithEveryDigit() throws Exception {
        BranchFixtures f = new BranchFixtures(tmp);
        Board board = board(f.threeExperiments(tmp.resolve("models")), DEFAULTS);

        JsonNode json = RecordJson.MAPPER.readTree(BoardFormat.render(board, List.of(), "json", NOW).get(0));
        assertEquals("higher-is-better", json.path("objective").path("direction").asText());
        assertEquals("m2", json.path("reference").path("runId").asText());
        JsonNode adamw = json.path("branches").get(0);
        assertEquals("exp/adamw", adamw.path("branch").asText());
        assertEquals("refs/heads/exp/adamw", adamw.path("ref").asText());
        assertEquals("a2", adamw.path("best").path("runId").asText());
        assertEquals(0.90 - 0.85, adamw.path("delta").path("val_acc").asDouble(), 1e-12);
        assertEquals(3, adamw.path("runs").asInt());

        List<String> csv = BoardFormat.render(board, List.of("val_acc"), "csv", NOW);
        assertEquals("role,branch,ref,tip,ahead,behind,files_changed,runs,failed,best_run,commit,started_at,val_acc,delta_val_acc", csv.get(0));
        assertTrue(csv.get(1).startsWith("reference,main,run,,,,,2,0,m2,"), csv.get(1));
        assertTrue(csv.get(2).startsWith("branch,exp/adamw,refs/heads/exp/adamw,"), csv.get(2));
        assertTrue(csv.get(2).endsWith(",2,1,2,3,1,a2," + board.rows().get(0).runs().best().commit() + ",2026-11-30T11:00:00Z,0.9,"
                + (0.90 - 0.85)), csv.get(2));
        assertEquals(5, csv.size());
    }

    @Test
    void aCloneSeesRemoteOnlyBranchesOnceAndPrefersItsLocalOnes() throws Exception {
        BranchFixtures f = new BranchFixtures(tmp);
        Path origin = f.threeExperiments(tmp.resolve("models"));
        Path clone = tmp.resolve("clone");
        f.git(tmp, "clone", "-q", origin.toString(), clone.toString());
        f.git(clone, "fetch", "-q", "origin", "refs/notes/exprun:refs/notes/exprun");
        f.git(clone, "switch", "-q", "exp/dropout");
        String moved = f.commit(clone, "model.py", "DROPOUT = 0.4\n");
        BranchFixtures.run(clone, moved, "exp/dropout", "d2", "succeeded", "2026-11-30T12:30:00Z", 0.87);

        Board board = board(clone, DEFAULTS);

        assertEquals(List.of("exp/adamw", "exp/dropout", "exp/wide"), board.rows().stream().map(r -> r.branch().name()).toList());
        assertEquals("refs/remotes/origin/exp/adamw", board.rows().get(0).branch().refName());
        assertEquals("origin", board.rows().get(0).branch().where());
        BoardRow dropout = board.rows().get(1);
        assertEquals("refs/heads/exp/dropout", dropout.branch().refName(), "the local branch wins over origin/exp/dropout");
        assertEquals("d2", dropout.runs().best().runId());
        assertTrue(BoardFormat.render(board, List.of(), "table", NOW).get(3).startsWith("exp/adamw (origin) "));
    }

    @Test
    void withoutRunsOnMainTheNewestExpTagOnMainIsTheReference() throws Exception {
        BranchFixtures f = new BranchFixtures(tmp);
        Path repo = tmp.resolve("tagged");
        f.git(tmp, "init", "-q", repo.toString());
        String first = f.commit(repo, "train.py", "print(1)\n");
        tag(f, repo, "v1.0", first, 0.70, "2026-11-29T10:00:00Z");
        f.git(repo, "switch", "-q", "-c", "exp/lr");
        String lr = f.commit(repo, "train.py", "print(2)\n");
        BranchFixtures.run(repo, lr, "exp/lr", "l1", "succeeded", "2026-11-30T10:00:00Z", 0.75);
        f.git(repo, "switch", "-q", "main");
        tag(f, repo, "v1.1", f.commit(repo, "README.md", "x\n"), 0.72, "2026-11-30T10:00:00Z");

        Board board = board(repo, DEFAULTS);

        assertEquals(BoardReference.Kind.TAG, board.reference().kind());
        assertEquals("v1.1", board.reference().label());
        List<String> table = BoardFormat.render(board, List.of("val_acc"), "table", NOW);
        assertEquals("1 experiment branch(es), best run by val_acc (higher is better); deltas against the exp tag v1.1"
                + " (no run on main has the objective).", table.get(0));
        assertTrue(table.get(2).startsWith("main @ v1.1 "), table.get(2));
        assertTrue(table.get(3).endsWith("0.75 (+0.03)"), table.get(3));
    }

    @Test
    void aMissingMainBranchIsNamedWithTheFix() throws Exception {
        BranchFixtures f = new BranchFixtures(tmp);
        Path repo = f.threeExperiments(tmp.resolve("models"));
        ExpError e = assertThrows(ExpError.class, () -> board(repo, new BoardOptions(null, "master", null, List.of(), List.of(),
                List.of(), "table")));
        assertEquals("There is no branch 'master' (neither local nor remote-tracking) to compare the experiment branches with.", e.getMessage());
        assertTrue(e.fix().contains("-Dexp.mainBranch="), e.fix());
    }

    @Test
    void theObjectiveIsGuessedAsExpReportGuessesItAndWithoutOneTheNewestSuccessfulRunStands() throws Exception {
        BranchFixtures f = new BranchFixtures(tmp);
        Path repo = f.threeExperiments(tmp.resolve("models"));
        Board guessed = board(repo, new BoardOptions("exp/a*", "main", null, List.of(), List.of(), List.of(), "table"));
        assertEquals("loss", guessed.objective().metric(), "the first metric by name whose name says which way is better");
        assertEquals("lower-is-better", guessed.objective().directionText());
        assertEquals(List.of("exp/adamw"), guessed.rows().stream().map(r -> r.branch().name()).toList());
        assertEquals("a2", guessed.rows().get(0).runs().best().runId());

        assertNull(Objective.resolve(null, () -> List.of("score"), List.of(), List.of()));
        assertEquals("d1", Objective.best(List.of(note("d0", "2026-11-30T08:00:00Z", "succeeded"), note("d1", "2026-11-30T09:00:00Z",
                "succeeded"), note("d2", "2026-11-30T10:00:00Z", "failed")), null).orElseThrow().runId());
    }

    private static dev.exprun.history.RunNote note(String runId, String startedAt, String status) {
        return new dev.exprun.history.RunNote(dev.exprun.history.RunNote.SCHEMA, runId, status, startedAt, null, "c", "exp/x", null, false,
                null, null, null, List.of(), Map.of(), Map.of("score", 1.0), List.of(), null, List.of(), null);
    }

    private static Board board(Path repo, BoardOptions options) {
        try (Repository r = BranchFixtures.open(repo)) {
            return ExperimentBoard.build(r, new RunNotes(r).readAll(), options);
        }
    }

    /** An exp tag as exp:tag writes it: annotated, the exprun.tag/v1 block carrying the run's metrics. */
    private static void tag(BranchFixtures f, Path repo, String name, String commit, double valAcc, String date) {
        String message = name + "\n\n" + TagAnnotation.fenced(Map.of("schema", "exprun.tag/v1", "runId", "run-" + name, "commit", commit,
                "metrics", Map.of("val_acc", valAcc)));
        f.gitAt(date, repo, "tag", "-a", name, "-m", message, commit);
    }
}
