package dev.exprun.git;

import static dev.exprun.git.GitFixture.commitAll;
import static dev.exprun.git.GitFixture.git;
import static dev.exprun.git.GitFixture.snapshot;
import static dev.exprun.git.GitFixture.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

/** Linked worktrees ({@code git worktree add}): each resolves to its own HEAD, branch and changes. */
class LinkedWorktreeTest {
    @TempDir
    Path tmp;
    private Path main;
    private Path wtA;
    private Path wtB;

    @BeforeEach
    void createWorktrees() throws Exception {
        main = tmp.resolve("main");
        try (Git git = GitFixture.init(main)) {
            write(main, "train.py", "lr = 0.1\n");
            write(main, "pkg/sub/dir/model.py", "layers = 2\n");
            commitAll(git, "base");
        }
        wtA = tmp.resolve("wt-a");
        wtB = tmp.resolve("wt-b");
        git(main, "worktree", "add", "-q", wtA.toString(), "-b", "exp/a");
        git(main, "worktree", "add", "-q", wtB.toString(), "-b", "exp/b");
        Files.writeString(wtA.resolve("train.py"), "lr = 0.2\n");
        git(wtA, "commit", "-q", "-am", "a: lr 0.2");
        Files.writeString(wtB.resolve("train.py"), "lr = 0.3\n");
        git(wtB, "commit", "-q", "-am", "b: lr 0.3");
        Files.writeString(main.resolve("train.py"), "dirty in the main checkout only\n");
    }

    private GitProvenance resolve(Path projectDir, Path patch) {
        return new GitProvenanceResolver(ExpLog.NONE, Map.of()).resolve(projectDir, projectDir.resolve("target"), patch);
    }

    @Test
    void twoWorktreesOnDifferentBranchesResolvedOneAfterTheOther() throws Exception {
        write(wtA, "pkg/sub/dir/model.py", "layers = 4\n");
        write(wtA, "notes.md", "untracked in a\n");
        byte[] indexA = Files.readAllBytes(Path.of(git(wtA, "rev-parse", "--git-path", "index").trim()));

        GitProvenance a = resolve(wtA, tmp.resolve("out/a.patch"));
        GitProvenance b = resolve(wtB, tmp.resolve("out/b.patch"));

        assertEquals(git(wtA, "rev-parse", "HEAD").trim(), a.commit());
        assertEquals("exp/a", a.branch());
        assertFalse(a.detached());
        assertEquals(wtA.toRealPath().toString(), a.workTree());
        assertEquals(List.of("pkg/sub/dir/model.py"), a.changes().modified());
        assertEquals(List.of("notes.md"), a.changes().untracked());

        assertEquals(git(wtB, "rev-parse", "HEAD").trim(), b.commit());
        assertEquals("exp/b", b.branch());
        assertFalse(b.dirty(), b.changes()::toString);
        assertFalse(Files.exists(tmp.resolve("out/b.patch")));

        GitProvenance m = resolve(main, tmp.resolve("out/main.patch"));
        assertEquals("main", m.branch());
        assertEquals(List.of("train.py"), m.changes().modified());

        assertArrayEquals(indexA, Files.readAllBytes(Path.of(git(wtA, "rev-parse", "--git-path", "index").trim())));
        assertPatchRebuilds(wtA, a, tmp.resolve("out/a.patch"));
    }

    @Test
    void projectInASubdirectoryOfAWorktree() throws Exception {
        Path project = wtB.resolve("pkg/sub/dir");
        write(project, "target/classes/x.class", "build output");
        write(project, "model.py", "layers = 8\n");
        GitProvenance p = resolve(project, tmp.resolve("out/sub.patch"));
        assertEquals("pkg/sub/dir", p.projectPath());
        assertEquals(wtB.toRealPath().toString(), p.workTree());
        assertEquals("exp/b", p.branch());
        assertEquals(List.of("pkg/sub/dir/model.py"), p.changes().modified());
        assertTrue(p.dirty());
    }

    @Test
    void tagsAndRemoteComeFromTheSharedRepository() throws Exception {
        git(wtA, "tag", "-a", "-m", "first a", "a-v1");
        git(main, "remote", "add", "origin", "https://user:pw@example.com/org/repo.git");
        GitProvenance a = resolve(wtA, tmp.resolve("out/a.patch"));
        assertEquals(List.of(new GitTag("a-v1", true)), a.tagsAtHead());
        assertEquals("a-v1", a.describe());
        assertEquals("https://example.com/org/repo.git", a.remoteUrl());
    }

    private void assertPatchRebuilds(Path worktree, GitProvenance p, Path patch) throws Exception {
        Path clone = tmp.resolve("clone");
        git(tmp, "clone", "-q", "--no-checkout", main.toString(), clone.toString());
        git(clone, "checkout", "-q", "--detach", p.commit());
        git(clone, "apply", "--index", patch.toString());
        assertEquals(snapshot(worktree), snapshot(clone));
    }
}
