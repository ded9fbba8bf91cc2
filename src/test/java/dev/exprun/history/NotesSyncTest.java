package dev.exprun.history;

import static dev.exprun.history.RunNotesTest.open;
import static dev.exprun.history.RunNotesTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.core.ExpError;
import dev.exprun.history.NotesSync.Counts;
import dev.exprun.history.NotesSync.Pushed;
import dev.exprun.tagging.GitCredentials;
import dev.exprun.testing.Cmd;
import dev.exprun.testing.Projects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sharing runs through a remote: every clone ends with the union, pushes never force, failures say what to run by hand. */
class NotesSyncTest {
    @TempDir
    Path tmp;
    private Path origin;
    private String c1;
    private String c2;

    @BeforeEach
    void origin() throws IOException {
        origin = tmp.resolve("origin.git");
        Cmd.run(tmp, "git", "init", "-q", "--bare", "-b", "main", origin.toString());
        Path seed = Projects.gitRepo(tmp.resolve("seed"), Map.of("train.py", "print(1)\n"));
        c1 = Projects.head(seed);
        Files.writeString(seed.resolve("train.py"), "print(2)\n");
        Cmd.run(seed, "git", "commit", "-q", "-am", "second");
        c2 = Projects.head(seed);
        Cmd.run(seed, "git", "push", "-q", origin.toString(), "main");
    }

    private Path clone(String name) {
        Path dir = tmp.resolve(name);
        Cmd.run(tmp, "git", "clone", "-q", origin.toString(), dir.toString());
        return dir;
    }

    private static void record(Path clone, RunNote... runs) throws Exception {
        try (Repository repo = open(clone)) {
            for (RunNote r : runs) {
                new RunNotes(repo).append(r.commit(), r);
            }
        }
    }

    private static Counts fetch(Path clone) throws Exception {
        try (Repository repo = open(clone)) {
            return new NotesSync(repo, "origin", null).fetch();
        }
    }

    private static Pushed push(Path clone) throws Exception {
        try (Repository repo = open(clone)) {
            return new NotesSync(repo, "origin", null).push();
        }
    }

    /** commit -> runIds, order ignored (each clone keeps its own lines first). */
    private static Map<String, Set<String>> runSets(Map<String, List<RunNote>> all) {
        return all.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue().stream().map(RunNote::runId).collect(Collectors.toCollection(TreeSet::new)), (a, b) -> a, TreeMap::new));
    }

    private static Map<String, Set<String>> runSets(Path dir) throws Exception {
        try (Repository repo = open(dir)) {
            return runSets(new RunNotes(repo).readAll());
        }
    }

    private Map<String, Set<String>> originRunSets() throws Exception {
        try (Repository repo = new FileRepositoryBuilder().setGitDir(origin.toFile()).setMustExist(true).build()) {
            return runSets(new RunNotes(repo).readAll());
        }
    }

    private static String ref(Path dir, String ref) {
        return Cmd.run(dir, "git", "rev-parse", "--verify", "-q", ref);
    }

    private static void hook(Path gitDir, String name, String script) throws IOException {
        Path hook = gitDir.resolve("hooks").resolve(name);
        Files.createDirectories(hook.getParent());
        Files.writeString(hook, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void twoClonesEndWithTheUnionThroughOrigin() throws Exception {
        Path a = clone("a");
        Path b = clone("b");
        record(a, run("a1", c1, 0.1), run("a2", c2, 0.2));
        record(b, run("b1", c1, 0.3), run("b2", c1, 0.4));
        String bBranches = Cmd.run(b, "git", "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", "refs/remotes");

        assertEquals(new Pushed(Counts.NONE, new Counts(2, 2)), push(a));
        assertEquals(new Pushed(new Counts(2, 2), new Counts(2, 1)), push(b), "B merged A's runs before pushing its own");
        assertEquals(3, Cmd.run(b, "git", "rev-list", "--parents", "-1", RunNotes.REF).split(" ").length, "a merge commit");
        assertEquals(new Counts(2, 1), fetch(a));

        Map<String, Set<String>> union = Map.of(c1, Set.of("a1", "b1", "b2"), c2, Set.of("a2"));
        assertEquals(union, runSets(a));
        assertEquals(union, runSets(b));
        assertEquals(union, originRunSets());
        assertEquals(ref(origin, RunNotes.REF), ref(b, RunNotes.REF));
        assertEquals(ref(origin, RunNotes.REF), ref(a, RunNotes.REF), "A fast-forwarded: nothing of its own was missing");
        try (Repository repo = open(b)) {
            assertEquals(List.of("b1", "b2", "a1"), new RunNotes(repo).readAll().get(c1).stream().map(RunNote::runId).toList(),
                    "local lines first, then the fetched ones");
        }
        assertEquals(bBranches, Cmd.run(b, "git", "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", "refs/remotes"));
        assertEquals(ref(origin, RunNotes.REF), ref(b, NotesSync.REMOTES_PREFIX + "origin"));

        String originTip = ref(origin, RunNotes.REF);
        assertEquals(new Pushed(Counts.NONE, Counts.NONE), push(b));
        assertEquals(new Pushed(Counts.NONE, Counts.NONE), push(a));
        assertEquals(Counts.NONE, fetch(a));
        assertEquals(originTip, ref(origin, RunNotes.REF), "pushing again changed nothing");
    }

    @Test
    void aPushThatLosesTheRaceMergesThePushedRunsAndPushesAgain() throws Exception {
        Path a = clone("a");
        Path b = clone("b");
        record(a, run("a1", c1, 0.1));
        push(a);
        record(a, run("a2", c1, 0.2));
        record(b, run("b1", c1, 0.3));
        // Between B's fetch and B's push, A pushes: B's push is refused by the remote and must not force.
        Path marker = tmp.resolve("a-pushed");
        hook(b.resolve(".git"), "pre-push", String.join("\n",
                "cat >/dev/null",
                "unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX",
                "if [ ! -f '" + marker + "' ]; then",
                "  touch '" + marker + "'",
                "  git -C '" + a + "' push -q origin refs/notes/exprun:refs/notes/exprun || exit 1",
                "fi"));

        Pushed pushed = push(b);

        assertTrue(Files.exists(marker), "the race happened");
        assertEquals(new Pushed(new Counts(2, 1), new Counts(1, 1)), pushed);
        Map<String, Set<String>> union = Map.of(c1, Set.of("a1", "a2", "b1"));
        assertEquals(union, originRunSets());
        assertEquals(union, runSets(b));
    }

    @Test
    void nativeCatSortUniqMergeGivesTheSameUnionAsFetch() throws Exception {
        Path a = clone("a");
        Path ours = clone("ours");
        Path plain = clone("plain");
        RunNote shared = run("shared", c1, 0.5); // recorded on both sides, e.g. a note copied by hand
        record(a, run("a1", c1, 0.1), shared, run("a2", c2, 0.2));
        push(a);
        for (Path clone : List.of(ours, plain)) {
            record(clone, run("o1", c1, 0.3), shared, run("o2", c1, 0.4));
        }

        assertEquals(new Counts(2, 2), fetch(ours));
        // plain git, with exactly the commands refspecHelp() documents
        List<String> commands = NotesSync.refspecHelp().lines().map(String::strip).filter(l -> l.startsWith("git ")).toList();
        assertEquals(3, commands.size(), NotesSync.refspecHelp());
        for (String command : commands.subList(0, 2)) {
            Cmd.run(plain, command.split(" "));
        }

        assertEquals(runSets(ours), runSets(plain));
        for (String commit : List.of(c1, c2)) {
            List<String> ourLines = Cmd.run(ours, "git", "notes", "--ref=exprun", "show", commit).lines().toList();
            List<String> plainLines = Cmd.run(plain, "git", "notes", "--ref=exprun", "show", commit).lines().toList();
            assertEquals(new TreeSet<>(ourLines), new TreeSet<>(plainLines), "the same lines");
            assertEquals(plainLines.stream().sorted().distinct().toList(), plainLines, "cat_sort_uniq: sorted, no duplicates");
            assertEquals(ourLines.stream().distinct().toList(), ourLines, "no duplicates");
        }
        assertEquals(Map.of(c1, Set.of("a1", "shared", "o1", "o2"), c2, Set.of("a2")), runSets(plain));

        // and the two kinds of merge interoperate: plain pushes its merge, ours fetches it and gains nothing
        Cmd.run(plain, commands.get(2).split(" "));
        assertEquals(new Pushed(Counts.NONE, Counts.NONE), push(ours), "the same runs, only in another order");
        assertEquals(runSets(plain), originRunSets());
    }

    @Test
    void aRemoteWithoutRunsIsNothingToFetch() throws Exception {
        Path a = clone("a");
        assertEquals(Counts.NONE, fetch(a));
        assertEquals(new Pushed(Counts.NONE, Counts.NONE), push(a));
        assertThrows(IllegalStateException.class, () -> ref(a, RunNotes.REF), "no notes ref was created");
        assertThrows(IllegalStateException.class, () -> ref(origin, RunNotes.REF), "nothing was pushed");

        record(a, run("a1", c1, 0.1));
        assertEquals(Counts.NONE, fetch(a));
        assertEquals(new Pushed(Counts.NONE, new Counts(1, 1)), push(a));
        assertEquals(Map.of(c1, Set.of("a1")), originRunSets());
    }

    @Test
    void anUnreachableRemoteFailsWithTheManualCommandAndNoCredentials() throws Exception {
        Path a = clone("a");
        record(a, run("a1", c1, 0.1));
        Cmd.run(a, "git", "remote", "add", "broken", "http://alice:s3cr3t-token@127.0.0.1:9/repo.git");
        GitCredentials login = new GitCredentials("alice", "hunter2-pw", "settings.xml server 'git'");
        try (Repository repo = open(a)) {
            ExpError fetch = assertThrows(ExpError.class, () -> new NotesSync(repo, "broken", login).fetch());
            ExpError push = assertThrows(ExpError.class, () -> new NotesSync(repo, "broken", login).push());
            for (ExpError e : List.of(fetch, push)) {
                String text = e.describe();
                assertTrue(text.contains("git fetch broken refs/notes/exprun:refs/notes/exprun-remotes/broken"), text);
                assertTrue(text.contains("git notes --ref=exprun merge -s cat_sort_uniq refs/notes/exprun-remotes/broken"), text);
                assertTrue(text.contains("http://127.0.0.1:9/repo.git"), text);
                assertFalse(text.contains("s3cr3t-token") || text.contains("hunter2-pw"), text);
            }
            ExpError url = assertThrows(ExpError.class,
                    () -> new NotesSync(repo, "https://bob:tok3n@127.0.0.1:9/x.git", null).fetch());
            assertFalse(url.describe().contains("tok3n"), url.describe());
            assertTrue(url.describe().contains("git fetch https://127.0.0.1:9/x.git refs/notes/exprun:refs/notes/exprun-remotes/url-"),
                    url.describe());
        }
    }

    @Test
    void aRemoteThatRefusesThePushFailsWithTheManualPush() throws Exception {
        Path a = clone("a");
        record(a, run("a1", c1, 0.1));
        hook(origin, "pre-receive", "cat >/dev/null\necho 'notes are not welcome here' >&2\nexit 1");
        try (Repository repo = open(a)) {
            ExpError e = assertThrows(ExpError.class, () -> new NotesSync(repo, "origin", null).push());
            assertTrue(e.describe().contains("git push origin refs/notes/exprun:refs/notes/exprun"), e.describe());
            assertTrue(e.getMessage().contains("notes are not welcome here"), e.getMessage());
        }
        assertThrows(IllegalStateException.class, () -> ref(origin, RunNotes.REF));
    }
}
