package dev.exprun.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.core.ExpError;
import dev.exprun.record.RunRecord;
import dev.exprun.tagging.TagAnnotation;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.Cmd;
import dev.exprun.testing.Projects;
import dev.exprun.testing.Records;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exp:history over real repositories: notes, exp tags without notes, lightweight tags, HEAD's history or all refs. */
class RunHistoryTest {
    @TempDir
    Path tmp;

    private static RunNote note(String runId, String date, String commit, double valAcc) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("val_acc", valAcc);
        metrics.put("loss", 1 - valAcc);
        return new RunNote(RunNote.SCHEMA, runId, "succeeded", date, "org.example:model:1.0", commit, "main", null, false, null,
                "localhost/x:1", "sha256:" + "ab".repeat(32), List.of("python3", "train.py"), Map.of("lr", 0.01), metrics,
                List.of(), "podman 4.3.1", List.of(), null);
    }

    private Map<String, List<RunNote>> notes = new HashMap<>();

    /** Writes the note with git itself, as another tool or an older build would have. */
    private void record(Path repo, RunNote n) {
        notes.computeIfAbsent(n.commit(), k -> new ArrayList<>()).add(n);
        Cmd.run(repo, "git", "notes", "--ref=exprun", "append", "-m", NoteLines.format(n), n.commit());
    }

    private String commit(Path repo, String content) throws Exception {
        Files.writeString(repo.resolve("train.py"), content);
        Cmd.run(repo, "git", "commit", "-qam", content.trim());
        return Projects.head(repo);
    }

    private List<HistoryEntry> history(Path repo, HistoryOptions options, CapturingLog log) throws Exception {
        try (Repository r = new FileRepositoryBuilder().findGitDir(repo.toFile()).build()) {
            return new RunHistory(r, log).list(notes, options);
        }
    }

    private static HistoryOptions options(boolean all, String where, String sort) {
        return new HistoryOptions(all, null, false, where, sort, List.of("val_acc"), "table");
    }

    @Test
    void headsHistoryByDefaultEverythingWithAll() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.py", "print(1)\n"));
        String c1 = Projects.head(repo);
        record(repo, note("r1", "2026-11-01T10:00:00Z", c1, 0.90));
        String c2 = commit(repo, "print(2)\n");
        record(repo, note("r2", "2026-11-02T10:00:00Z", c2, 0.93));
        record(repo, note("r3", "2026-11-03T10:00:00Z", c2, 0.91));
        Cmd.run(repo, "git", "checkout", "-q", "-b", "side", c1);
        String c3 = commit(repo, "print(3)\n");
        record(repo, note("r4", "2026-11-04T10:00:00Z", c3, 0.95));
        Cmd.run(repo, "git", "checkout", "-q", "main");

        assertEquals(List.of("r3", "r2", "r1"), history(repo, options(false, null, null), new CapturingLog()).stream()
                .map(HistoryEntry::runId).toList(), "newest first, only what HEAD contains");
        assertEquals(List.of("r4", "r3", "r2", "r1"), history(repo, options(true, null, null), new CapturingLog()).stream()
                .map(HistoryEntry::runId).toList());
        assertEquals(List.of("r4", "r2"), history(repo, options(true, "val_acc>=0.92", "-val_acc"), new CapturingLog()).stream()
                .map(HistoryEntry::runId).toList());
        assertEquals(List.of("r1", "r3", "r2"), history(repo, options(false, null, "val_acc"), new CapturingLog()).stream()
                .map(HistoryEntry::runId).toList());
        HistoryOptions since = new HistoryOptions(false, "2026-11-02", false, null, null, List.of(), "table");
        assertEquals(List.of("r3", "r2"), history(repo, since, new CapturingLog()).stream().map(HistoryEntry::runId).toList());
    }

    @Test
    void expTagsWithoutNotesAppearAndLightweightTagsAreListedWithAWarning() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.py", "print(1)\n"));
        String c1 = Projects.head(repo);
        // A fresh clone that fetched tags but not notes: the release tag still shows its run.
        RunRecord s = Records.sample();
        RunRecord tagged = new RunRecord(s.schema(), "r-tagged", s.status(), 0, null, s.project(), s.git(), s.image(), s.container(),
                s.params(), Map.of("val_acc", 0.932), s.outputs(), s.engine(), s.host(), s.startedAt(), s.endedAt(), s.durationMs());
        Path message = tmp.resolve("msg");
        Files.writeString(message, TagAnnotation.write(tagged, List.of()));
        Cmd.run(repo, "git", "tag", "-a", "v1.0-prod-ready", "-F", message.toString());
        String c2 = commit(repo, "print(2)\n");
        record(repo, note("r2", "2026-11-02T10:00:00Z", c2, 0.93));
        Cmd.run(repo, "git", "tag", "v1.1-quick");
        CapturingLog log = new CapturingLog();
        List<HistoryEntry> entries = history(repo, options(false, null, null), log);
        assertEquals(List.of("LIGHTWEIGHT_TAG", "NOTE", "TAG"), entries.stream().map(e -> e.source().name()).sorted().toList());
        HistoryEntry fromTag = entries.stream().filter(e -> e.source() == HistoryEntry.Source.TAG).findFirst().orElseThrow();
        assertEquals("r-tagged", fromTag.runId());
        assertEquals(c1, fromTag.commit());
        assertEquals(List.of("v1.0-prod-ready"), fromTag.tags());
        assertEquals(0.932, fromTag.metrics().get("val_acc"));
        assertTrue(log.lines().contains("WARN The tag v1.1-quick is lightweight: it carries no run record (listed, never used as a baseline)"),
                log.lines().toString());
        HistoryOptions tagsOnly = new HistoryOptions(false, null, true, null, null, List.of(), "table");
        assertEquals(3, history(repo, tagsOnly, new CapturingLog()).size(), "r2's commit carries v1.1-quick");
    }

    @Test
    void tableCsvAndJson() {
        HistoryEntry e = new HistoryEntry(HistoryEntry.Source.NOTE, "2026-11-02T10:00:00.123Z", "c".repeat(40), "main",
                List.of("v1.0-prod-ready"), "r2", "succeeded", "sha256:" + "ab".repeat(32), Map.of("val_acc", 0.93));
        assertEquals(List.of(
                "DATE                 COMMIT      BRANCH/TAGS      RUN  STATUS     IMAGE                VAL_ACC",
                "2026-11-02 10:00:00  cccccccccc  v1.0-prod-ready  r2   succeeded  sha256:abababababab  0.93",
                "1 run(s)"), HistoryFormat.render(List.of(e), List.of("val_acc"), "table"));
        assertEquals(List.of("date,commit,branch,tags,run_id,status,image_digest,val_acc,f1",
                "2026-11-02T10:00:00.123Z," + "c".repeat(40) + ",main,v1.0-prod-ready,r2,succeeded,sha256:" + "ab".repeat(32) + ",0.93,"),
                HistoryFormat.render(List.of(e), List.of("val_acc", "f1"), "csv"));
        assertTrue(HistoryFormat.render(List.of(e), List.of(), "json").get(0).startsWith("[{\"source\":\"note\",\"date\":"));
        assertThrows(ExpError.class, () -> HistoryFormat.render(List.of(e), List.of(), "yaml"));
        assertThrows(ExpError.class, () -> RunHistory.since("last tuesday"));
    }

    @Test
    void oneSweepsTrialsOnly() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.py", "print(1)\n"));
        String c1 = Projects.head(repo);
        record(repo, note("r1", "2026-11-01T10:00:00Z", c1, 0.90));
        for (int t = 1; t <= 3; t++) {
            RunNote n = note("s" + t, "2026-11-02T10:00:0" + t + "Z", c1, 0.9 + t / 100.0);
            record(repo, new RunNote(n.schema(), n.runId(), n.status(), n.startedAt(), n.project(), n.commit(), n.branch(), n.describe(),
                    n.dirty(), n.patchSha256(), n.image(), n.imageDigest(), n.command(), n.params(), n.metrics(), n.artifacts(), n.engine(),
                    n.gpus(), null, null, null, null, t == 3 ? "sweep-other" : "sweep-a", "t0" + t));
        }
        HistoryOptions sweep = new HistoryOptions(false, null, false, null, null, List.of("val_acc"), "table", "sweep-a");
        assertEquals(List.of("s2", "s1"), history(repo, sweep, new CapturingLog()).stream().map(HistoryEntry::runId).toList());
        assertEquals(4, history(repo, options(false, null, null), new CapturingLog()).size(), "without it, every run");
    }
}
