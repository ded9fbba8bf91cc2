package dev.exprun.git;

import static dev.exprun.git.GitFixture.commitAll;
import static dev.exprun.git.GitFixture.git;
import static dev.exprun.git.GitFixture.snapshot;
import static dev.exprun.git.GitFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.exprun.core.ExpError;

/** Commit, branch, tags, describe, remote and repository shapes (none, empty, subdirectory). */
class GitProvenanceResolverTest {
    @TempDir
    Path tmp;
    private final GitFixture.RecordingLog log = new GitFixture.RecordingLog();

    private GitProvenance resolve(Path projectDir, Map<String, String> env) {
        return new GitProvenanceResolver(log, env).resolve(projectDir, projectDir.resolve("target"),
                tmp.resolve("out/git.patch"));
    }

    @Test
    void outsideAnyRepositoryWarnsOnceAndRecordsNothing() throws Exception {
        Path project = Files.createDirectories(tmp.resolve("plain/project"));
        for (Path dir = project; dir != null; dir = dir.getParent()) {
            assertFalse(Files.exists(dir.resolve(".git")), "the temp dir must be outside any repository: " + dir);
        }
        GitProvenance provenance = resolve(project, Map.of());
        assertEquals(GitProvenance.none(project), provenance);
        assertFalse(provenance.present());
        assertEquals(1, log.warnings.size(), log.warnings::toString);
        assertTrue(log.warnings.get(0).contains("without git provenance"), log.warnings.get(0));
        assertTrue(log.warnings.get(0).contains("git init"), log.warnings.get(0));
        assertFalse(Files.exists(tmp.resolve("out/git.patch")));
    }

    @Test
    void withoutAPatchFileTheStateIsResolvedAndNothingIsWritten() throws Exception {
        Path repo = tmp.resolve("repo");
        try (Git git = GitFixture.init(repo)) {
            write(repo, "train.py", "print(1)\n");
            commitAll(git, "one");
            write(repo, "train.py", "print(2)\n");
            GitProvenance p = new GitProvenanceResolver(log, Map.of()).resolve(repo, repo.resolve("target"), null);
            assertTrue(p.dirty());
            assertEquals(List.of("train.py"), p.changes().modified());
            assertNull(p.patchSha256());
            assertFalse(Files.exists(repo.resolve("target")));
        }
    }

    @Test
    void cleanRepositoryOnABranch() throws Exception {
        Path repo = tmp.resolve("repo");
        try (Git git = GitFixture.init(repo)) {
            write(repo, "train.py", "print(1)\n");
            RevCommit commit = commitAll(git, "one");
            GitProvenance p = resolve(repo, Map.of("GITHUB_REF_NAME", "ignored-when-on-a-branch"));
            assertTrue(p.present());
            assertEquals(repo.toRealPath().toString(), p.workTree());
            assertEquals("", p.projectPath());
            assertEquals(commit.name(), p.commit());
            assertEquals("main", p.branch());
            assertFalse(p.detached());
            assertEquals("HEAD", p.branchSource());
            assertEquals(commit.name().substring(0, 7), p.describe());
            assertEquals(List.of(), p.tagsAtHead());
            assertNull(p.remoteUrl());
            assertFalse(p.shallow());
            assertFalse(p.dirty());
            assertTrue(p.changes().isEmpty());
            assertNull(p.patchSha256());
            assertEquals(0, p.patchBytes());
            assertFalse(Files.exists(tmp.resolve("out/git.patch")));
            assertEquals(List.of(), log.warnings);
        }
    }

    @Test
    void provenanceRoundTripsThroughJson() throws Exception {
        Path repo = tmp.resolve("repo");
        try (Git git = GitFixture.init(repo)) {
            write(repo, "a.txt", "a\n");
            commitAll(git, "one");
            git.tag().setName("v1").setAnnotated(true).setMessage("v1").setTagger(GitFixture.AUTHOR).call();
            write(repo, "a.txt", "b\n");
            write(repo, "new.txt", "n\n");
            GitProvenance p = resolve(repo, Map.of());
            ObjectMapper mapper = new ObjectMapper();
            assertEquals(p, mapper.readValue(mapper.writeValueAsString(p), GitProvenance.class));
        }
    }

    @Test
    void aStalePatchFromAnEarlierDirtyRunIsRemovedWhenClean() throws Exception {
        Path repo = tmp.resolve("repo");
        try (Git git = GitFixture.init(repo)) {
            write(repo, "a.txt", "a\n");
            commitAll(git, "one");
            write(repo, "a.txt", "b\n");
            assertTrue(resolve(repo, Map.of()).dirty());
            assertTrue(Files.exists(tmp.resolve("out/git.patch")));
            write(repo, "a.txt", "a\n");
            assertFalse(resolve(repo, Map.of()).dirty());
            assertFalse(Files.exists(tmp.resolve("out/git.patch")));
        }
    }

    @Test
    void tagsAtHeadAndDescribeMatchGit() throws Exception {
        Path repo = tmp.resolve("repo");
        try (Git git = GitFixture.init(repo)) {
            write(repo, "a.txt", "1\n");
            commitAll(git, "one");
            git.tag().setName("v0.1").setAnnotated(false).call();
            write(repo, "a.txt", "2\n");
            commitAll(git, "two");
            git.tag().setName("v0.2").setAnnotated(true).setMessage("release").setTagger(GitFixture.AUTHOR).call();
            write(repo, "a.txt", "3\n");
            commitAll(git, "three");
            write(repo, "a.txt", "4\n");
            commitAll(git, "four");
            assertEquals(git(repo, "describe", "--tags", "--always").trim(), resolve(repo, Map.of()).describe());
            assertTrue(resolve(repo, Map.of()).describe().startsWith("v0.2-2-g"));

            git.tag().setName("zz-light").setAnnotated(false).call();
            git.tag().setName("release-1").setAnnotated(true).setMessage("r").setTagger(GitFixture.AUTHOR).call();
            git.tag().setName("a-light").setAnnotated(false).call();
            git.tag().setName("b-older").setAnnotated(true).setMessage("o").setTagger(new PersonIdent("T", "t@e",
                    Instant.parse("2020-01-01T00:00:00Z"), ZoneOffset.UTC)).call();
            GitProvenance p = resolve(repo, Map.of());
            assertEquals(List.of(new GitTag("a-light", false), new GitTag("b-older", true),
                    new GitTag("release-1", true), new GitTag("zz-light", false)), p.tagsAtHead());
            // git prefers the newest annotated tag; JGit alone would say "a-light".
            assertEquals("release-1", p.describe());
            assertEquals(git(repo, "describe", "--tags", "--always").trim(), p.describe());

            write(repo, "a.txt", "5\n");
            commitAll(git, "five");
            assertTrue(resolve(repo, Map.of()).describe().startsWith("release-1-1-g"));
            assertEquals(git(repo, "describe", "--tags", "--always").trim(), resolve(repo, Map.of()).describe());
        }
    }

    @Test
    void detachedHeadTakesTheBranchFromCi() throws Exception {
        Path repo = tmp.resolve("repo");
        try (Git git = GitFixture.init(repo)) {
            write(repo, "a.txt", "1\n");
            RevCommit commit = commitAll(git, "one");
            git.checkout().setName(commit.name()).call();

            GitProvenance fromCi = resolve(repo, Map.of("GITHUB_HEAD_REF", "", "GITHUB_REF_NAME", "feature/x"));
            assertTrue(fromCi.detached());
            assertEquals(commit.name(), fromCi.commit());
            assertEquals("feature/x", fromCi.branch());
            assertEquals("env:GITHUB_REF_NAME", fromCi.branchSource());

            GitProvenance jenkins = resolve(repo, Map.of("GIT_BRANCH", "origin/main"));
            assertEquals("main", jenkins.branch());
            assertEquals("env:GIT_BRANCH", jenkins.branchSource());

            GitProvenance none = resolve(repo, Map.of());
            assertTrue(none.detached());
            assertNull(none.branch());
            assertNull(none.branchSource());
        }
    }

    @Test
    void remoteUrlIsOriginWithoutCredentials() throws Exception {
        Path repo = tmp.resolve("repo");
        try (Git git = GitFixture.init(repo)) {
            write(repo, "a.txt", "1\n");
            commitAll(git, "one");
            StoredConfig config = git.getRepository().getConfig();
            config.setString("remote", "upstream", "url", "https://bot:secret@example.com/up.git");
            config.save();
            assertEquals("https://example.com/up.git", resolve(repo, Map.of()).remoteUrl());
            config.setString("remote", "origin", "url", "https://ghp_token123@github.com/org/repo.git");
            config.save();
            assertEquals("https://github.com/org/repo.git", resolve(repo, Map.of()).remoteUrl());
        }
    }

    @Test
    void repositoryWithoutCommits() throws Exception {
        // Nothing is committed: staged files are staged, the rest untracked (as git status shows them),
        // and the patch rebuilds the tree from nothing.
        Path repo = tmp.resolve("repo");
        try (Git git = GitFixture.init(repo)) {
            write(repo, "staged.py", "s\n");
            git.add().addFilepattern("staged.py").call();
            write(repo, "src/untracked.py", "u\n");
            Path patch = tmp.resolve("out/git.patch");
            GitProvenance p = resolve(repo, Map.of());
            assertTrue(p.present());
            assertNull(p.commit());
            assertNull(p.describe());
            assertEquals("main", p.branch());
            assertFalse(p.detached());
            assertTrue(p.dirty());
            assertEquals(List.of("staged.py"), p.changes().staged());
            assertEquals(List.of("src/untracked.py"), p.changes().untracked());
            Path fresh = tmp.resolve("fresh");
            git(tmp, "init", "-q", fresh.toString());
            git(fresh, "apply", patch.toString());
            assertEquals(snapshot(repo), snapshot(fresh));
        }
    }

    @Test
    void projectInASubdirectoryListsTheWholeWorkTree() throws Exception {
        Path repo = tmp.resolve("repo");
        try (Git git = GitFixture.init(repo)) {
            write(repo, "README.md", "r\n");
            write(repo, "modules/train/train.py", "t\n");
            commitAll(git, "one");
            write(repo, "README.md", "changed\n");
            write(repo, "modules/train/train.py", "changed\n");
            write(repo, "modules/train/target/classes/x.class", "x");
            write(repo, "modules/other/target/out.txt", "not this project's build dir\n");
            Path project = repo.resolve("modules/train");
            GitProvenance p = resolve(project, Map.of());
            assertEquals("modules/train", p.projectPath());
            assertEquals(repo.toRealPath().toString(), p.workTree());
            assertEquals(List.of("README.md", "modules/train/train.py"), p.changes().modified());
            assertEquals(List.of("modules/other/target/out.txt"), p.changes().untracked());
        }
    }

    @Test
    void projectDirReachedThroughASymlink() throws Exception {
        Path repo = tmp.resolve("repo");
        try (Git git = GitFixture.init(repo)) {
            write(repo, "sub/a.txt", "a\n");
            commitAll(git, "one");
            Path link = Files.createSymbolicLink(tmp.resolve("link"), repo);
            write(repo, "sub/target/x", "x");
            GitProvenance p = resolve(link.resolve("sub"), Map.of());
            assertEquals("sub", p.projectPath());
            assertFalse(p.dirty(), p.changes()::toString);
        }
    }

    @Test
    void buildDirThatIsASymlinkIsStillExcluded() throws Exception {
        Path repo = tmp.resolve("repo");
        try (Git git = GitFixture.init(repo)) {
            write(repo, "a.txt", "1\n");
            commitAll(git, "one");
            Path scratch = Files.createDirectories(tmp.resolve("scratch/target"));
            Files.createSymbolicLink(repo.resolve("target"), scratch);
            write(scratch, "classes/x.class", "x");
            assertFalse(resolve(repo, Map.of()).dirty());
        }
    }

    @Test
    void aLargePatchIsWarnedAbout() throws Exception {
        Path repo = tmp.resolve("repo");
        try (Git git = GitFixture.init(repo)) {
            write(repo, "a.txt", "1\n");
            commitAll(git, "one");
            GitFixture.writeBytes(repo, "checkpoints/model.pt", PatchApplyTest.binary(4096, 11));
            GitProvenance p = new GitProvenanceResolver(log, Map.of(), 1024).resolve(repo, repo.resolve("target"),
                    tmp.resolve("out/git.patch"));
            assertTrue(p.patchBytes() > 1024);
            assertEquals(1, log.warnings.size(), log.warnings::toString);
            assertTrue(log.warnings.get(0).contains(".gitignore"), log.warnings.get(0));
            log.warnings.clear();
            write(repo, "checkpoints/model.pt", "small\n");
            new GitProvenanceResolver(log, Map.of(), 1024).resolve(repo, repo.resolve("target"),
                    tmp.resolve("out/git.patch"));
            assertEquals(List.of(), log.warnings);
        }
    }

    @Test
    void unwritablePatchLocationIsAnExpErrorNamingTheFile() throws Exception {
        Path repo = tmp.resolve("repo");
        try (Git git = GitFixture.init(repo)) {
            write(repo, "a.txt", "1\n");
            commitAll(git, "one");
            write(repo, "a.txt", "2\n");
            Path blocker = write(tmp, "blocker", "a file where the patch's directory should be");
            Path patch = blocker.resolve("git.patch");
            ExpError error = assertThrows(ExpError.class, () -> new GitProvenanceResolver(log, Map.of())
                    .resolve(repo, repo.resolve("target"), patch));
            assertTrue(error.getMessage().contains(patch.toString()), error.getMessage());
        }
    }

    @Test
    void unreadableRepositoryIsAnExpErrorNamingTheDir() throws Exception {
        Path repo = tmp.resolve("repo");
        try (Git git = GitFixture.init(repo)) {
            write(repo, "a.txt", "1\n");
            commitAll(git, "one");
        }
        Files.writeString(repo.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(repo.resolve(".git/refs/heads/main"), "0123456789012345678901234567890123456789\n");
        ExpError error = assertThrows(ExpError.class, () -> resolve(repo, Map.of()));
        assertTrue(error.getMessage().contains(repo.toString()), error.getMessage());
        assertTrue(error.fix().contains("git status"), error.fix());
    }
}
