package dev.exprun.git;

import static dev.exprun.git.GitFixture.commitAll;
import static dev.exprun.git.GitFixture.git;
import static dev.exprun.git.GitFixture.snapshot;
import static dev.exprun.git.GitFixture.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.exprun.core.ExpLog;

/**
 * Resolving must change nothing in the repository. JGit re-checks "racily clean" index entries by
 * content and refreshes them in memory only; these tests pin that the index file is never rewritten.
 */
class ReadOnlyTest {
    @TempDir
    Path tmp;
    private Path repo;
    private Git git;

    @BeforeEach
    void createRepository() throws Exception {
        repo = tmp.resolve("repo");
        git = GitFixture.init(repo);
        for (int i = 0; i < 30; i++) {
            write(repo, "src/f" + i + ".py", "print(" + i + ")\n");
        }
        commitAll(git, "base");
    }

    @AfterEach
    void close() {
        git.close();
    }

    private GitProvenance resolve() {
        return new GitProvenanceResolver(ExpLog.NONE, Map.of()).resolve(repo, repo.resolve("target"),
                tmp.resolve("out/git.patch"));
    }

    @Test
    void dirtyResolveLeavesIndexHeadConfigRefsAndWorkTreeAlone() throws Exception {
        write(repo, "src/f1.py", "changed\n");
        write(repo, "src/f2.py", "staged\n");
        git.add().addFilepattern("src/f2.py").call();
        write(repo, "new.py", "untracked\n");
        Map<String, String> before = gitDirState();
        Map<String, GitFixture.FileState> tree = snapshot(repo);
        assertTrue(resolve().dirty());
        assertTrue(resolve().dirty());
        assertEquals(before, gitDirState());
        assertEquals(tree, snapshot(repo));
    }

    @Test
    void racilyCleanEntriesAreCheckedButTheIndexIsNotRewritten() throws Exception {
        // Give the index the same mtime as the files it records: every entry is then "racily clean",
        // which JGit handles by comparing content; git status would rewrite the index at this point.
        Path index = repo.resolve(".git/index");
        FileTime filesTime = Files.getLastModifiedTime(repo.resolve("src/f0.py"));
        for (int i = 0; i < 30; i++) {
            Files.setLastModifiedTime(repo.resolve("src/f" + i + ".py"), filesTime);
        }
        git(repo, "update-index", "--really-refresh");
        Files.setLastModifiedTime(index, filesTime);
        byte[] indexBytes = Files.readAllBytes(index);

        GitProvenance clean = resolve();
        assertTrue(clean.changes().isEmpty(), clean.changes()::toString);
        assertArrayEquals(indexBytes, Files.readAllBytes(index));
        assertEquals(filesTime, Files.getLastModifiedTime(index));

        // The racy case proper: same size, same mtime, different content. Only a content check sees it.
        Path f7 = repo.resolve("src/f7.py");
        Files.writeString(f7, "print(9)\n");
        Files.setLastModifiedTime(f7, filesTime);
        assertEquals(List.of("src/f7.py"), resolve().changes().modified());
        assertArrayEquals(indexBytes, Files.readAllBytes(index));
        assertEquals(filesTime, Files.getLastModifiedTime(index));
    }

    /** Every file under .git with its content and mtime. */
    private Map<String, String> gitDirState() throws Exception {
        Map<String, String> state = new TreeMap<>();
        Path gitDir = repo.resolve(".git");
        try (Stream<Path> files = Files.walk(gitDir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    state.put(gitDir.relativize(p).toString(), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)))
                            + " " + Files.getLastModifiedTime(p));
                }
            }
        }
        return state;
    }
}
