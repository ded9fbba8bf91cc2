package dev.exprun.history;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.core.ExpError;
import dev.exprun.testing.Cmd;
import dev.exprun.testing.Projects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs recorded as git notes: readable by JGit and by git, safe under concurrent builds, never touching the user's branch. */
class RunNotesTest {
    @TempDir
    Path tmp;

    static RunNote run(String runId, String commit, double acc) {
        return new RunNote(RunNote.SCHEMA, runId, "succeeded", "2024-05-01T10:00:00Z", "test.exprun:demo:1.0-SNAPSHOT", commit,
                "main", null, false, null, "python:3.12-slim", "sha256:" + "ab".repeat(32), List.of("python", "train.py"),
                Map.of("lr", 0.1), Map.of("val_acc", acc), List.of(new RunNote.Artifact(
                        "test.exprun:demo:json:exp-run:1.0-SNAPSHOT", "exp-run", "json", null, "cd".repeat(32))),
                "docker 27.0.1", List.of(), null);
    }

    static Repository open(Path workTree) throws Exception {
        Path gitDir = workTree.resolve(Cmd.run(workTree, "git", "rev-parse", "--git-dir"));
        return new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setWorkTree(workTree.toFile()).setMustExist(true).build();
    }

    private Path repo() {
        return Projects.gitRepo(tmp.resolve("repo"), Map.of("train.py", "print(1)\n"));
    }

    private static List<String> runIds(List<RunNote> notes) {
        return notes.stream().map(RunNote::runId).toList();
    }

    @Test
    void appendedRunsAreReadByJGitAndByGitOneLinePerRunInOrder() throws Exception {
        Path dir = repo();
        String head = Projects.head(dir);
        RunNote first = run("run-1", head, 0.91);
        RunNote second = run("run-2", head, 0.93);
        RunNote third = run("run-3", head, 0.92);
        try (Repository repo = open(dir)) {
            RunNotes notes = new RunNotes(repo);
            notes.append(head, first);
            notes.append(head, second);
            notes.append(head, third);

            assertEquals(Map.of(head, List.of(first, second, third)), notes.readAll());
        }
        String shown = Cmd.run(dir, "git", "notes", "--ref=exprun", "show", head);
        assertEquals(List.of(NoteLines.format(first), NoteLines.format(second), NoteLines.format(third)), shown.lines().toList());
        assertEquals(List.of(first, second, third), NoteLines.parse(shown));
        assertEquals("exprun: run run-3", Cmd.run(dir, "git", "log", "-1", "--format=%s", RunNotes.REF));
        assertEquals("3", Cmd.run(dir, "git", "rev-list", "--count", RunNotes.REF));
    }

    @Test
    void theSameRunAppendedTwiceIsOneLine() throws Exception {
        Path dir = repo();
        String head = Projects.head(dir);
        try (Repository repo = open(dir)) {
            RunNotes notes = new RunNotes(repo);
            notes.append(head, run("run-1", head, 0.9));
            String tip = Cmd.run(dir, "git", "rev-parse", RunNotes.REF);
            notes.append(head, run("run-1", head, 0.9));
            notes.append(head, run("run-2", head, 0.8));
            notes.append(head, run("run-1", head, 0.9));

            assertEquals(List.of("run-1", "run-2"), runIds(notes.readAll().get(head)));
            assertEquals(tip, Cmd.run(dir, "git", "rev-parse", RunNotes.REF + "~1"), "the repeated append wrote no commit");
        }
    }

    @Test
    void aNoteWrittenByGitIsKeptAndAppendedTo() throws Exception {
        Path dir = repo();
        String head = Projects.head(dir);
        String byHand = NoteLines.format(run("by-hand", head, 0.5));
        // git notes add -m ends the note with one newline; a note without one must still get its own line
        Cmd.run(dir, "git", "notes", "--ref=exprun", "add", "-m", "reviewed by Ada", head);
        Cmd.run(dir, "git", "notes", "--ref=exprun", "append", "-m", byHand, head);
        try (Repository repo = open(dir)) {
            RunNotes notes = new RunNotes(repo);
            notes.append(head, run("run-1", head, 0.9));
            assertEquals(List.of("by-hand", "run-1"), runIds(notes.readAll().get(head)));
        }
        assertEquals(List.of("reviewed by Ada", "", byHand, NoteLines.format(run("run-1", head, 0.9))),
                Cmd.run(dir, "git", "notes", "--ref=exprun", "show", head).lines().toList());
    }

    @Test
    void headIndexWorkTreeAndBranchesAreUntouched() throws Exception {
        Path dir = repo();
        Cmd.run(dir, "git", "branch", "exp/other");
        Cmd.run(dir, "git", "tag", "v1");
        Files.writeString(dir.resolve("staged.py"), "staged\n");
        Cmd.run(dir, "git", "add", "staged.py");
        Files.writeString(dir.resolve("train.py"), "print(2)\n");
        Files.writeString(dir.resolve("untracked.txt"), "untracked\n");
        String head = Projects.head(dir);
        String status = Cmd.run(dir, "git", "status", "--porcelain", "--untracked-files=all");
        String refs = Cmd.run(dir, "git", "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", "refs/tags", "refs/remotes");
        String symbolicHead = Cmd.run(dir, "git", "symbolic-ref", "HEAD");
        byte[] index = Files.readAllBytes(dir.resolve(".git/index"));
        String staged = Cmd.run(dir, "git", "diff", "--cached", "--name-status");

        try (Repository repo = open(dir)) {
            RunNotes notes = new RunNotes(repo);
            notes.append(head, run("run-1", head, 0.9));
            notes.append(head, run("run-2", head, 0.8));
            assertEquals(2, notes.readAll().get(head).size());
        }

        assertEquals(head, Projects.head(dir));
        assertEquals(symbolicHead, Cmd.run(dir, "git", "symbolic-ref", "HEAD"));
        assertEquals(status, Cmd.run(dir, "git", "status", "--porcelain", "--untracked-files=all"));
        assertEquals(refs, Cmd.run(dir, "git", "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", "refs/tags",
                "refs/remotes"));
        assertArrayEquals(index, Files.readAllBytes(dir.resolve(".git/index")));
        assertEquals(staged, Cmd.run(dir, "git", "diff", "--cached", "--name-status"));
        assertEquals("print(2)\n", Files.readString(dir.resolve("train.py")));
        assertEquals("untracked\n", Files.readString(dir.resolve("untracked.txt")));
        assertTrue(status.contains("A  staged.py") && status.contains("?? untracked.txt"), status);
    }

    @Test
    void eightBuildsAppendingToTheSameCommitAtOnceAllKeepTheirRun() throws Exception {
        Path dir = repo();
        String head = Projects.head(dir);
        int builds = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(builds);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < builds; i++) {
                String runId = "run-" + i;
                done.add(pool.submit(() -> {
                    // A Repository of its own, as a separate build (JVM) would have: no shared in-memory ref cache.
                    try (Repository repo = open(dir)) {
                        start.await();
                        new RunNotes(repo).append(head, run(runId, head, 0.5));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        try (Repository repo = open(dir)) {
            List<String> ids = runIds(new RunNotes(repo).readAll().get(head));
            assertEquals(List.of("run-0", "run-1", "run-2", "run-3", "run-4", "run-5", "run-6", "run-7"),
                    ids.stream().sorted().toList());
        }
        assertEquals(builds, Cmd.run(dir, "git", "notes", "--ref=exprun", "show", head).lines().count());
        assertEquals(String.valueOf(builds), Cmd.run(dir, "git", "rev-list", "--count", RunNotes.REF), "one commit per run, none lost");
    }

    @Test
    void runsOnCommitsRewrittenAwayAndGarbageCollectedAreStillRead() throws Exception {
        Path dir = repo();
        Cmd.run(dir, "git", "switch", "-q", "-c", "feature");
        Files.writeString(dir.resolve("train.py"), "print(2)\n");
        Cmd.run(dir, "git", "commit", "-q", "-am", "second");
        String second = Projects.head(dir);
        Files.writeString(dir.resolve("train.py"), "print(3)\n");
        Cmd.run(dir, "git", "commit", "-q", "-am", "third");
        String third = Projects.head(dir);
        try (Repository repo = open(dir)) {
            RunNotes notes = new RunNotes(repo);
            notes.append(second, run("on-second", second, 0.7));
            notes.append(third, run("on-third", third, 0.8));
        }
        Cmd.run(dir, "git", "switch", "-q", "main");
        Files.writeString(dir.resolve("README.md"), "upstream\n");
        Cmd.run(dir, "git", "add", "README.md");
        Cmd.run(dir, "git", "commit", "-q", "-m", "upstream");
        Cmd.run(dir, "git", "switch", "-q", "feature");
        Cmd.run(dir, "git", "rebase", "-q", "main"); // second and third get new ids
        Cmd.run(dir, "git", "commit", "-q", "--amend", "-m", "third, reworded");
        Cmd.run(dir, "git", "reflog", "expire", "--expire=now", "--all");
        Cmd.run(dir, "git", "gc", "-q", "--prune=now");
        assertTrue(Cmd.run(dir, "git", "branch", "-a", "--contains", Projects.head(dir)).contains("feature"));
        assertThrows(IllegalStateException.class, () -> Cmd.run(dir, "git", "merge-base", "--is-ancestor", second, "feature"));

        try (Repository repo = open(dir)) {
            Map<String, List<RunNote>> all = new RunNotes(repo).readAll();
            assertEquals(List.of("on-second"), runIds(all.get(second)));
            assertEquals(List.of("on-third"), runIds(all.get(third)));
        }
        // What stays is the note, not the commit: a notes tree names its commits without keeping them alive,
        // so gc prunes them. History must expect runs whose commit is gone (reproduce needs it from elsewhere).
        assertThrows(IllegalStateException.class, () -> Cmd.run(dir, "git", "cat-file", "-e", third + "^{commit}"));
        assertEquals(2, Cmd.run(dir, "git", "notes", "--ref=exprun", "list").lines().count());
    }

    @Test
    void aLinkedWorktreeRecordsIntoTheSameNotesRef() throws Exception {
        Path main = repo();
        Path wt = tmp.resolve("wt");
        Cmd.run(main, "git", "worktree", "add", "-q", "-b", "exp/wt", wt.toString());
        Files.writeString(wt.resolve("train.py"), "print(4)\n");
        Cmd.run(wt, "git", "commit", "-q", "-am", "in the worktree");
        String mainHead = Projects.head(main);
        String wtHead = Projects.head(wt);
        try (Repository repo = open(wt)) {
            new RunNotes(repo).append(wtHead, run("from-wt", wtHead, 0.6));
        }
        try (Repository repo = open(main)) {
            new RunNotes(repo).append(mainHead, run("from-main", mainHead, 0.5));
        }
        try (Repository fromMain = open(main); Repository fromWt = open(wt)) {
            Map<String, List<RunNote>> expected = Map.of(wtHead, List.of(run("from-wt", wtHead, 0.6)),
                    mainHead, List.of(run("from-main", mainHead, 0.5)));
            assertEquals(expected, new RunNotes(fromMain).readAll());
            assertEquals(expected, new RunNotes(fromWt).readAll());
        }
        assertEquals(Cmd.run(main, "git", "rev-parse", RunNotes.REF), Cmd.run(wt, "git", "rev-parse", RunNotes.REF));
        assertTrue(Files.isRegularFile(main.resolve(".git/refs/notes/exprun"))
                || Cmd.run(main, "git", "show-ref").contains(RunNotes.REF), "the ref lives in the common git dir");
        assertEquals(NoteLines.format(run("from-wt", wtHead, 0.6)), Cmd.run(main, "git", "notes", "--ref=exprun", "show", wtHead));
    }

    @Test
    void aRepositoryWithoutRunsReadsEmpty() throws Exception {
        try (Repository repo = open(repo())) {
            assertEquals(Map.of(), new RunNotes(repo).readAll());
        }
    }

    @Test
    void aCommitThatIsNotInTheRepositoryIsRefusedWithTheId() throws Exception {
        Path dir = repo();
        String missing = "0123456789abcdef0123456789abcdef01234567";
        try (Repository repo = open(dir)) {
            ExpError e = assertThrows(ExpError.class, () -> new RunNotes(repo).append(missing, run("r", missing, 0.1)));
            assertTrue(e.getMessage().contains(missing) && e.getMessage().contains(dir.toString()), e::describe);
            assertThrows(ExpError.class, () -> new RunNotes(repo).append("HEAD", run("r", "HEAD", 0.1)));
        }
        assertThrows(IllegalStateException.class, () -> Cmd.run(dir, "git", "rev-parse", "--verify", "-q", RunNotes.REF));
    }
}
