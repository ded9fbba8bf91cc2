package dev.exprun.git;

import static dev.exprun.git.GitFixture.commitAll;
import static dev.exprun.git.GitFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The work tree scan cut into path ranges for several threads must find what one thread finds. */
class SlicedScanTest {
    @TempDir
    Path tmp;
    private Path repo;
    private Git git;

    @BeforeEach
    void createRepository() throws Exception {
        repo = tmp.resolve("repo");
        git = GitFixture.init(repo);
        write(repo, "a-root.txt", "r\n");
        for (int d = 0; d < 30; d++) {
            for (int f = 0; f < 20; f++) {
                write(repo, "d" + d + "/sub/f" + f + ".txt", d + "/" + f + "\n");
            }
            write(repo, "d" + d + ".txt", "beside d" + d + "\n");
        }
        write(repo, "z-root.txt", "z\n");
        commitAll(git, "base");
    }

    @AfterEach
    void close() {
        git.close();
    }

    @Test
    void rangesCoverEveryIndexedPathExactlyOnceAndStartAtDirectories() throws Exception {
        DirCache index = git.getRepository().readDirCache();
        List<PathRange> ranges = PathRange.split(index, 5);
        assertTrue(ranges.size() > 1, ranges::toString);
        List<String> seen = new ArrayList<>();
        for (PathRange range : ranges) {
            try (TreeWalk walk = new TreeWalk(git.getRepository())) {
                walk.setRecursive(true);
                walk.addTree(new DirCacheIterator(index));
                walk.setFilter(range);
                while (walk.next()) {
                    seen.add(walk.getPathString());
                }
            }
        }
        List<String> all = new ArrayList<>();
        for (int i = 0; i < index.getEntryCount(); i++) {
            all.add(index.getEntry(i).getPathString());
        }
        assertEquals(all, seen);
        // Each range starts at a directory ("d7/sub/") or at a file in the root ("d7.txt"), never mid-directory.
        for (PathRange range : ranges.subList(1, ranges.size())) {
            assertTrue(range.toString().matches("RANGE\\[(d\\d+/sub/|[^/]+), .*"), range::toString);
        }
    }

    @Test
    void everySliceCountFindsTheSameChanges() throws Exception {
        write(repo, "d3/sub/f1.txt", "changed\n");
        write(repo, "d17/sub/f19.txt", "changed\n");
        write(repo, "d29/sub/f0.txt", "changed\n");
        Files.delete(repo.resolve("d8/sub/f4.txt"));
        Files.delete(repo.resolve("d8.txt"));
        write(repo, "d12/sub/new.txt", "untracked in an indexed dir\n");
        write(repo, "d12x/new.txt", "untracked dir sorting right after d12\n");
        write(repo, "d1/sub/deeper/new.txt", "untracked nested dir\n");
        write(repo, "m-new-root.txt", "untracked at the root\n");
        write(repo, "zz/new.txt", "untracked after everything\n");
        write(repo, "0first/new.txt", "untracked before everything\n");

        WorkTreeScan.Result expected = new WorkTreeScan.Result(
                set("d17/sub/f19.txt", "d29/sub/f0.txt", "d3/sub/f1.txt"), set("d8.txt", "d8/sub/f4.txt"),
                set("0first/new.txt", "d1/sub/deeper/new.txt", "d12/sub/new.txt", "d12x/new.txt", "m-new-root.txt",
                        "zz/new.txt"),
                set());
        for (int slices : new int[] {1, 2, 3, 7, 40}) {
            DirCache index = git.getRepository().readDirCache();
            assertEquals(expected, WorkTreeScan.scan(git.getRepository(), index, null, slices), "slices=" + slices);
        }
    }

    private static Set<String> set(String... paths) {
        return new TreeSet<>(List.of(paths));
    }
}
