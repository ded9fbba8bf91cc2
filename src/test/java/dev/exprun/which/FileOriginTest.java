package dev.exprun.which;

import static dev.exprun.which.WhichFixture.COORDINATES;
import static dev.exprun.which.WhichFixture.artifact;
import static dev.exprun.which.WhichFixture.note;
import static dev.exprun.which.WhichFixture.output;
import static dev.exprun.which.WhichFixture.runRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.artifacts.Sha256;
import dev.exprun.core.ExpError;
import dev.exprun.which.Origin.Verdict;
import dev.exprun.which.RunMatch.MatchedArtifact;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exp:which against real repositories: notes by native git notes, exp tags by git tag -a. */
class FileOriginTest {
    private static final String R1 = "20260301-101500-000-1a2b3c4d";
    private static final String R2 = "20260302-090000-000-5e6f7a8b";

    @TempDir
    Path tmp;
    private WhichFixture repo;

    @BeforeEach
    void repository() {
        repo = new WhichFixture(tmp);
    }

    private Path file(String name, String content) throws Exception {
        return Files.writeString(Files.createDirectories(tmp.resolve("files")).resolve(name), content);
    }

    private Origin which(Path file) {
        Origin origin = FileOrigin.find(file, repo.notes(), repo.tags());
        WhichReport.lines(origin).forEach(System.out::println); // the sample sessions in the report come from here
        return origin;
    }

    @Test
    void aFileIsFoundByItsSha256InARunNoteWhateverItsName() throws Exception {
        Path model = file("renamed-best.pt", "weights of run 1");
        String sha = Sha256.of(model);
        String c1 = repo.head();
        repo.addNote(note("20260228-080000-000-00000000", c1, List.of(output("best.pt", "0".repeat(64)))));
        repo.addNote(note(R1, c1, List.of(runRecord("1".repeat(64)), output("checkpoints/best.pt", sha))));

        Origin origin = which(model);
        assertTrue(origin.recorded());
        assertEquals(1, origin.matches().size());
        RunMatch m = origin.matches().get(0);
        assertEquals(R1, m.runId());
        assertEquals(c1, m.commit());
        assertEquals(List.of(new MatchedArtifact(COORDINATES, "checkpoints/best.pt", "note")), m.matched());
        assertEquals(Verdict.NOT_COMPARED, origin.agreement().verdict());
        assertEquals(List.of(
                model + " (sha256 " + sha + ", 16 bytes) was produced by 1 recorded run:",
                "Run " + R1 + ": succeeded, started 2026-03-01T10:15:00Z",
                "  commit:  " + c1 + " (branch main, v0.9-2-g" + c1.substring(0, 7) + ")",
                "  image:   localhost/exp-test/pytorch-cpu:1.13 @ sha256:" + "d".repeat(64),
                "  params:  lr=0.01 epochs=3 arch=linear",
                "  metrics: val_acc=0.932 loss=0.21",
                "  matched: org.example:mnist:pt:model:1.0 (checkpoints/best.pt) in the run's note"), WhichReport.lines(origin));
    }

    @Test
    void aFileIsFoundByAnExpTagAlone() throws Exception {
        Path jar = file("model-1.0-model.pt", "released weights");
        repo.expTag("v1.0-prod-ready", R1, List.of(artifact(COORDINATES, Sha256.of(jar)),
                artifact("org.example:mnist:json:exp-run:1.0", "2".repeat(64))));
        dev.exprun.testing.Cmd.run(repo.dir, "git", "tag", "v1.0-light"); // a lightweight tag is not an exp tag

        Origin origin = which(jar);
        RunMatch m = origin.matches().get(0);
        assertEquals(R1, m.runId());
        assertEquals(repo.head(), m.commit());
        assertEquals(null, m.status());
        assertEquals(List.of("v1.0-prod-ready"), m.tags());
        assertEquals(List.of(new MatchedArtifact(COORDINATES, null, "tag v1.0-prod-ready")), m.matched());
        List<String> lines = WhichReport.lines(origin);
        assertEquals("Run " + R1 + ": status not recorded (known from an exp tag only)", lines.get(1));
        assertTrue(lines.contains("  tags:    v1.0-prod-ready"), lines.toString());
        assertTrue(lines.contains("  image:   localhost/x:1 @ sha256:" + "a".repeat(64)), lines.toString());
        assertTrue(lines.contains("  matched: org.example:mnist:pt:model:1.0 in the run's tag v1.0-prod-ready"), lines.toString());
    }

    @Test
    void aRunReproducedBitForBitMatchesTwiceAndTagsJoinTheirRun() throws Exception {
        Path model = file("best.pt", "deterministic weights");
        String sha = Sha256.of(model);
        String c1 = repo.head();
        repo.addNote(note(R1, c1, List.of(output("best.pt", sha))));
        String c2 = repo.commit("print(2)\n");
        repo.addNote(note(R2, c2, List.of(output("best.pt", sha))));
        repo.expTag("v1.1", R2, List.of(artifact(COORDINATES, sha)));

        Origin origin = which(model);
        assertEquals(List.of(R1, R2), origin.matches().stream().map(RunMatch::runId).toList());
        RunMatch second = origin.matches().get(1);
        assertEquals(c2, second.commit());
        assertEquals("succeeded", second.status(), "the note's fields, not the tag's");
        assertEquals(List.of("v1.1"), second.tags());
        assertEquals(List.of(new MatchedArtifact(COORDINATES, "best.pt", "note"), new MatchedArtifact(COORDINATES, null, "tag v1.1")),
                second.matched());
        assertEquals(List.of(), origin.matches().get(0).tags());
        List<String> lines = WhichReport.lines(origin);
        assertEquals(model + " (sha256 " + sha + ", 21 bytes) was produced by 2 recorded runs (bit-identical outputs):", lines.get(0));
        assertTrue(lines.contains("  matched: org.example:mnist:pt:model:1.0 (best.pt) in the run's note; "
                + "org.example:mnist:pt:model:1.0 in the run's tag v1.1"), lines.toString());
    }

    @Test
    void anUnknownFileSaysSoAndHowToFetchTheRecords() throws Exception {
        repo.addNote(note(R1, repo.head(), List.of(output("best.pt", "3".repeat(64)))));
        repo.expTag("v1.0", R1, List.of(artifact(COORDINATES, "3".repeat(64))));
        Path stranger = file("stranger.pt", "never recorded");

        Origin origin = which(stranger);
        assertTrue(origin.unknown());
        assertFalse(origin.recorded());
        assertEquals(List.of(
                "UNKNOWN: " + stranger + " (sha256 " + Sha256.of(stranger) + ") matches no recorded run and carries no exprun provenance",
                "  Searched 1 run note on 1 commit and 1 exp tag. In the file: no sidecar stranger.pt.provenance.json; "
                        + "not a torch.save file (neither a zip nor a legacy torch pickle).",
                "  If it came from a run recorded in another clone, fetch the run notes and exp tags, then ask again: "
                        + "mvn exp:fetch-runs && git fetch --tags"), WhichReport.lines(origin));
    }

    @Test
    void anEmptyCloneSaysItHasNoNotes() throws Exception {
        Origin origin = FileOrigin.find(file("x.pt", "x"), Map.of(), List.of());
        assertTrue(WhichReport.lines(origin).get(1).startsWith("  Searched 0 run notes on 0 commits and 0 exp tags (this clone has no run notes)."));
    }

    @Test
    void theFilesOwnProvenanceIsComparedWithTheRecord() throws Exception {
        String c1 = repo.head();
        Path model = file("best.pt", "weights with a sidecar");
        String sha = Sha256.of(model);
        repo.addNote(note(R1, c1, List.of(output("best.pt", sha))));
        Path sidecar = tmp.resolve("files/best.pt.provenance.json");
        Files.writeString(sidecar, "{\"run_id\":\"" + R1 + "\",\"commit\":\"" + c1 + "\",\"sha256\":\"" + sha + "\",\"size\":22}");
        Origin agreeing = which(model);
        assertEquals(Verdict.AGREES, agreeing.agreement().verdict());
        assertEquals("Provenance in the file (sidecar best.pt.provenance.json): run " + R1 + ", commit " + c1
                + ": agrees (the file's provenance names the same run and commit)", WhichReport.lines(agreeing).get(7));

        Files.writeString(sidecar, "{\"run_id\":\"" + R1 + "\",\"commit\":\"" + "f".repeat(40) + "\",\"sha256\":\"" + sha + "\"}");
        Origin other = which(model);
        assertEquals(Verdict.DISAGREES, other.agreement().verdict());
        assertEquals("the file's provenance names run " + R1 + " at commit " + "f".repeat(40) + ", but that run's record says commit "
                + c1, other.agreement().detail());
    }

    @Test
    void aRealCheckpointsEmbeddedProvenanceWithoutAnyRecord() throws Exception {
        // exprun.save's checkpoint, copied away from its sidecar: only the pickle inside says where it comes from.
        Path checkpoint = Files.copy(TorchProvenanceTest.FIXTURES.resolve("checkpoint.pt"), tmp.resolve("checkpoint.pt"));
        Origin origin = which(checkpoint);
        assertFalse(origin.unknown());
        assertFalse(origin.recorded());
        List<String> lines = WhichReport.lines(origin);
        assertTrue(lines.get(0).endsWith(" bytes) matches no recorded run, but carries exprun provenance (torch.save pickle "
                + origin.fileProvenance().orElseThrow().where() + "; no record in this clone confirms it):"), lines.get(0));
        assertEquals(List.of(
                "Run 20260301-101500-000-1a2b3c4d, started 2026-03-01T10:15:00Z, project org.example:mnist:1.0",
                "  commit:  0123456789abcdef0123456789abcdef01234567 (branch main, v0.9-2-g0123456)",
                "  image:   localhost/exp-test/pytorch-cpu:1.13 @ sha256:" + "d".repeat(64),
                "  params:  lr=0.01 epochs=3 arch=linear",
                "  Searched 0 run notes on 0 commits and 0 exp tags (this clone has no run notes). If the run was recorded in another "
                        + "clone, fetch its notes and tags: mvn exp:fetch-runs && git fetch --tags"),
                lines.subList(1, lines.size()));

        // Recorded under that run id but at another commit: the records and the file disagree, and it says so.
        repo.addNote(note("20260301-101500-000-1a2b3c4d", repo.head(), List.of(output("checkpoint.pt", origin.sha256()))));
        Origin disagreeing = which(checkpoint);
        assertEquals(Verdict.DISAGREES, disagreeing.agreement().verdict());
        assertTrue(WhichReport.lines(disagreeing).get(WhichReport.lines(disagreeing).size() - 1)
                .contains(": DISAGREES: the file's provenance names run 20260301-101500-000-1a2b3c4d at commit 0123456789abcdef"));
    }

    @Test
    void aMissingFileIsAnErrorThatNamesIt() {
        Path missing = tmp.resolve("nope.pt");
        ExpError e = assertThrows(ExpError.class, () -> FileOrigin.find(missing, Map.of(), List.of()));
        assertEquals("exp:which was given " + missing + ", which is not a file.", e.getMessage());
        assertEquals("pass the path of an existing file: -Dexp.file=path/to/model.pt", e.fix());
    }
}
