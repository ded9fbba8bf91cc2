package dev.exprun.git;

import static dev.exprun.git.GitFixture.commitAll;
import static dev.exprun.git.GitFixture.git;
import static dev.exprun.git.GitFixture.snapshot;
import static dev.exprun.git.GitFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.exprun.core.ExpLog;

/** CI systems clone with --depth 1: the history (and the tags in it) is cut short. */
class ShallowCloneTest {
    @TempDir
    Path tmp;
    private Path origin;

    @BeforeEach
    void createOrigin() throws Exception {
        origin = tmp.resolve("origin");
        try (Git git = GitFixture.init(origin)) {
            write(origin, "a.txt", "1\n");
            commitAll(git, "one");
            git.tag().setName("v1").setAnnotated(true).setMessage("v1").setTagger(GitFixture.AUTHOR).call();
            write(origin, "a.txt", "2\n");
            commitAll(git, "two");
            git.tag().setName("v2-light").setAnnotated(false).call();
            write(origin, "a.txt", "3\n");
            commitAll(git, "three");
        }
    }

    private Path shallowClone(int depth) {
        Path clone = tmp.resolve("depth-" + depth);
        git(tmp, "clone", "-q", "--depth", String.valueOf(depth), "file://" + origin, clone.toString());
        return clone;
    }

    private GitProvenance resolve(Path dir) {
        return new GitProvenanceResolver(ExpLog.NONE, Map.of()).resolve(dir, dir.resolve("target"),
                tmp.resolve("out/git.patch"));
    }

    @Test
    void depthOneCloneResolvesWithTheAbbreviatedSha() throws Exception {
        Path clone = shallowClone(1);
        assertTrue(Files.size(clone.resolve(".git/shallow")) > 0, "git made a shallow clone");
        GitProvenance p = resolve(clone);
        assertTrue(p.shallow());
        assertEquals(git(clone, "rev-parse", "HEAD").trim(), p.commit());
        assertEquals("main", p.branch());
        assertEquals(git(clone, "describe", "--tags", "--always").trim(), p.describe());
        assertEquals(p.commit().substring(0, 7), p.describe());
        assertEquals("file://" + origin, p.remoteUrl());
        assertFalse(p.dirty());
    }

    @Test
    void describeStopsAtTheShallowBoundary() throws Exception {
        // depth 2 holds the commit tagged v2-light; the walk then reaches the cut-off parent.
        Path clone = shallowClone(2);
        git(clone, "fetch", "-q", "--depth", "2", "origin", "tag", "v2-light");
        GitProvenance p = resolve(clone);
        assertTrue(p.shallow());
        assertTrue(p.describe().startsWith("v2-light-1-g"), p.describe());
        assertEquals(git(clone, "describe", "--tags", "--always").trim(), p.describe());
    }

    @Test
    void aTagOutsideTheReachableHistoryIsNotUsed() throws Exception {
        Path clone = shallowClone(1);
        git(clone, "checkout", "-q", "-b", "side");
        write(clone, "side.txt", "s\n");
        git(clone, "add", "side.txt");
        git(clone, "commit", "-q", "-m", "side");
        git(clone, "tag", "side-tag");
        git(clone, "checkout", "-q", "main");
        GitProvenance p = resolve(clone);
        assertEquals(git(clone, "describe", "--tags", "--always").trim(), p.describe());
        assertEquals(List.of(), p.tagsAtHead());
    }

    @Test
    void dirtyShallowClonePatchApplies() throws Exception {
        Path clone = shallowClone(1);
        write(clone, "a.txt", "4\n");
        write(clone, "data/new.txt", "n\n");
        GitProvenance p = resolve(clone);
        assertEquals(List.of("a.txt"), p.changes().modified());
        Path fresh = tmp.resolve("fresh");
        git(tmp, "clone", "-q", "--depth", "1", "file://" + origin, fresh.toString());
        git(fresh, "apply", tmp.resolve("out/git.patch").toString());
        assertEquals(snapshot(clone), snapshot(fresh));
    }
}
