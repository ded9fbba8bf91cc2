package dev.exprun.git;

import static dev.exprun.git.GitFixture.commitAll;
import static dev.exprun.git.GitFixture.git;
import static dev.exprun.git.GitFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;

import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.exprun.core.ExpLog;

/** How each kind of change is listed, and what never counts as one. */
class WorkTreeChangesTest {
    @TempDir
    Path tmp;
    private Path repo;
    private Git git;

    @BeforeEach
    void createRepository() throws Exception {
        repo = tmp.resolve("repo");
        git = GitFixture.init(repo);
        write(repo, ".gitignore", "*.log\n/cache/\n");
        write(repo, "a.txt", "a\n");
        write(repo, "b.txt", "b\n");
        write(repo, "c.txt", "c\n");
        write(repo, "src/model.py", "class Model:\n    pass\n" + "# filler\n".repeat(20));
        commitAll(git, "base");
    }

    @AfterEach
    void close() {
        git.close();
    }

    private GitChanges changes() {
        GitProvenance p = new GitProvenanceResolver(ExpLog.NONE, Map.of()).resolve(repo, repo.resolve("target"),
                tmp.resolve("out/git.patch"));
        assertEquals(!p.changes().isEmpty(), p.dirty());
        return p.changes();
    }

    @Test
    void eachKindIsListedSeparatelyAndSorted() throws Exception {
        write(repo, "b.txt", "b2\n");
        write(repo, "a.txt", "a2\n");
        write(repo, "new/z.txt", "z\n");
        write(repo, "new/y.txt", "y\n");
        git.add().addFilepattern("new/z.txt").call();
        Files.delete(repo.resolve("c.txt"));
        git.rm().addFilepattern("a.txt").setCached(true).call();
        GitChanges changes = changes();
        assertEquals(List.of("b.txt"), changes.modified());
        assertEquals(List.of("new/z.txt"), changes.staged());
        assertEquals(List.of("a.txt", "c.txt"), changes.deleted());
        assertEquals(List.of(), changes.renamed());
        // a.txt left the index but not the disk: git status shows it as deleted and untracked too.
        assertEquals(List.of("a.txt", "new/y.txt"), changes.untracked());
    }

    @Test
    void untrackedFilesAreListedOneByOneAndIgnoredOnesNot() throws Exception {
        write(repo, "runs/1/metrics.json", "{}");
        write(repo, "runs/1/deep/er/notes.md", "n");
        write(repo, "runs/debug.log", "ignored");
        write(repo, "cache/blob", "ignored dir");
        assertEquals(List.of("runs/1/deep/er/notes.md", "runs/1/metrics.json"), changes().untracked());
    }

    @Test
    void stagedRenameIsNotAlsoStagedOrDeleted() throws Exception {
        git(repo, "mv", "src/model.py", "src/net.py");
        write(repo, "src/net.py", "class Model:\n    pass\n" + "# filler\n".repeat(20) + "# edited after the move\n");
        GitChanges changes = changes();
        assertEquals(List.of(new GitRename("src/model.py", "src/net.py")), changes.renamed());
        assertEquals(List.of(), changes.staged());
        assertEquals(List.of(), changes.deleted());
        assertEquals(List.of("src/net.py"), changes.modified());
    }

    @Test
    void buildDirNeverCountsWhetherIgnoredOrNot() throws Exception {
        write(repo, "target/classes/Foo.class", "x");
        assertTrue(changes().isEmpty(), "target/ is not in .gitignore and still no change");
        write(repo, ".gitignore", "*.log\n/cache/\n/target/\n");
        commitAll(git, "ignore target");
        assertTrue(changes().isEmpty());
    }

    @Test
    void onlyTheBuildDirItselfIsExcluded() throws Exception {
        write(repo, "target-notes.txt", "not the build dir\n");
        write(repo, "src/target/data.csv", "a nested dir of the same name is not the build dir\n");
        assertEquals(List.of("src/target/data.csv", "target-notes.txt"), changes().untracked());
    }

    @Test
    void trackedFilesInsideTheBuildDirAreExcludedToo() throws Exception {
        write(repo, "target/committed-by-mistake.txt", "v1\n");
        commitAll(git, "oops");
        write(repo, "target/committed-by-mistake.txt", "v2\n");
        assertTrue(changes().isEmpty());
    }

    @Test
    void submodulesAndNestedRepositoriesAreIgnored() throws Exception {
        Path lib = tmp.resolve("lib");
        try (Git libGit = GitFixture.init(lib)) {
            write(lib, "lib.py", "x = 1\n");
            commitAll(libGit, "lib");
        }
        git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", lib.toString(), "vendor/lib");
        git(repo, "commit", "-q", "-m", "add submodule");
        Path nested = repo.resolve("vendor/lib");
        write(nested, "lib.py", "x = 2\n");
        git(nested, "commit", "-q", "-am", "moved the submodule's HEAD");
        write(nested, "dirty.py", "untracked inside the submodule\n");
        try (Git other = GitFixture.init(repo.resolve("scratch/other-repo"))) {
            write(repo, "scratch/other-repo/f.txt", "f\n");
        }
        GitChanges changes = changes();
        assertTrue(changes.isEmpty(), changes::toString);
    }

    @Test
    void touchedButUnchangedFileIsNotAChange() throws Exception {
        Path file = repo.resolve("a.txt");
        Files.setLastModifiedTime(file, FileTime.fromMillis(
                Files.getLastModifiedTime(file).toMillis() + 5_000));
        assertTrue(changes().isEmpty());
    }

    @Test
    void contentChangeKeepingSizeIsFound() throws Exception {
        write(repo, "a.txt", "A\n");
        assertEquals(List.of("a.txt"), changes().modified());
    }

    @Test
    void describeLinesNameEveryChange() throws Exception {
        write(repo, "a.txt", "a2\n");
        write(repo, "u.txt", "u\n");
        assertEquals(List.of("modified: a.txt", "untracked: u.txt"), changes().describeLines());
        assertFalse(changes().isEmpty());
    }
}
