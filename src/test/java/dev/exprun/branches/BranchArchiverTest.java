package dev.exprun.branches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpException;
import dev.exprun.core.ExpFailure;
import dev.exprun.history.HistoryEntry;
import dev.exprun.history.HistoryOptions;
import dev.exprun.history.RunHistory;
import dev.exprun.history.RunNotes;
import dev.exprun.tagging.ExpTags;
import dev.exprun.tagging.TagAnnotation;
import dev.exprun.testing.CapturingLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * exp:archive in a real clone of a bare remote that runs the shipped pre-receive hook: three experiment branches with
 * runs, pushed with their upstreams and the run notes.
 */
class BranchArchiverTest {
    @TempDir
    Path tmp;

    private BranchFixtures f;
    private Path work;
    private Path remote;
    private CapturingLog log = new CapturingLog();

    @BeforeEach
    void threeExperimentsPushedToARemoteWithTheHook() throws IOException {
        f = new BranchFixtures(tmp);
        work = f.threeExperiments(tmp.resolve("models"));
        remote = tmp.resolve("models.git");
        f.git(tmp, "init", "-q", "--bare", remote.toString());
        installHook(remote, "/dev/exprun/hooks/pre-receive");
        f.git(work, "remote", "add", "origin", remote.toString());
        f.git(work, "push", "-q", "-u", "origin", "main", "exp/adamw", "exp/dropout", "exp/wide", "refs/notes/exprun");
    }

    @Test
    void archivingABranchTagsItsTipWithItsRunsAndDeletesItHereAndOnTheRemote() throws Exception {
        String tip = f.git(work, "rev-parse", "exp/dropout");

        assertEquals(List.of("archive/exp/dropout"), archiver().archive(request("exp/dropout", false, false, true)));

        assertEquals(List.of("INFO Archived exp/dropout as archive/exp/dropout (tip " + tip.substring(0, 10) + ", 1 run(s), best run d1 val_acc=0.83)",
                "INFO Pushed archive/exp/dropout to origin and deleted exp/dropout there",
                "INFO Deleted the branch exp/dropout (was " + tip.substring(0, 10) + ")"), log.lines());
        assertEquals("", f.git(work, "branch", "--list", "exp/dropout"));
        assertEquals("", f.git(work, "branch", "-r", "--list", "origin/exp/dropout"), "the push removed the remote-tracking branch");
        assertFalse(f.git(work, "config", "--list", "--local").contains("branch.exp/dropout."), "its upstream settings went with it");
        assertEquals("", f.git(remote, "branch", "--list", "exp/dropout"));
        assertEquals(f.git(work, "rev-parse", "refs/tags/archive/exp/dropout"), f.git(remote, "rev-parse", "refs/tags/archive/exp/dropout"));
        assertEquals("tag", f.git(work, "cat-file", "-t", "archive/exp/dropout"));
        assertEquals(tip, f.git(work, "rev-parse", "archive/exp/dropout^{commit}"));

        String message = f.git(work, "for-each-ref", "--format=%(contents)", "refs/tags/archive/exp/dropout");
        assertTrue(message.startsWith("archive of exp/dropout: 1 run(s), best run d1 "), message);
        JsonNode block = TagAnnotation.read(message + "\n").orElseThrow();
        assertEquals("exprun.archive/v1", block.path("schema").asText());
        assertEquals("exp/dropout", block.path("branch").asText());
        assertEquals(tip, block.path("commit").asText());
        assertEquals(1, block.path("runs").asInt());
        assertEquals("d1", block.path("bestRun").path("runId").asText());
        assertEquals(0.83, block.path("bestRun").path("metrics").path("val_acc").asDouble());

        try (Repository r = BranchFixtures.open(work)) {
            List<HistoryEntry> all = new RunHistory(r, new CapturingLog()).list(new RunNotes(r).readAll(),
                    new HistoryOptions(true, null, false, null, null, List.of(), "table"));
            HistoryEntry d1 = all.stream().filter(e -> "d1".equals(e.runId())).findFirst().orElseThrow();
            assertEquals(List.of("archive/exp/dropout"), d1.tags(), "exp:history -Dexp.all=true still lists the run, by its archive tag");
            assertTrue(ExpTags.read(r).isEmpty(), "an archive tag is no exp tag: never a baseline or a release");
            assertEquals(List.of("exp/adamw", "exp/wide"), ExperimentBoard.build(r, new RunNotes(r).readAll(),
                    new BoardOptions(null, null, "val_acc", List.of(), List.of(), List.of(), "table")).rows().stream()
                    .map(row -> row.branch().name()).toList());
        }
        Cmd remoteDelete = new Cmd(() -> f.git(work, "push", "origin", ":refs/tags/archive/exp/dropout"));
        assertTrue(remoteDelete.failure().contains("refusing to delete tag archive/exp/dropout"), "the hook protects archive tags");
    }

    @Test
    void eachRefusalNamesTheValueAndLeavesEveryRefAndSettingAsItWas() throws Exception {
        f.git(work, "tag", "-a", "archive/exp/wide", "-m", "someone else's", "main");
        f.git(work, "branch", "-q", "exp/local-only", "exp/adamw");
        f.git(work, "update-ref", "refs/remotes/origin/exp/remote-only", "exp/adamw");
        f.git(work, "switch", "-q", "exp/adamw");
        Path linked = tmp.resolve("dropout-worktree");
        f.git(work, "worktree", "add", "-q", linked.toString(), "exp/dropout");
        String before = state();

        assertRefused(ExpFailure.class, request("exp/nope", false, false, false),
                "There is no branch exp/nope (neither local nor remote-tracking); nothing was archived.");
        assertRefused(ExpFailure.class, request("exp/adamw", false, false, false),
                "The branch exp/adamw is checked out in " + work + ", so it cannot be deleted; nothing was archived.");
        assertRefused(ExpFailure.class, request("exp/dropout", false, false, false),
                "The branch exp/dropout is checked out in " + linked + ", so it cannot be deleted; nothing was archived.");
        assertRefused(ExpFailure.class, request("feature/io", false, false, false),
                "The branch feature/io does not match the experiment branch pattern exp/*; only experiment branches are archived."
                        + " Nothing was archived.");
        assertRefused(ExpFailure.class, request("exp/wide", false, false, false),
                "The tag archive/exp/wide already exists (on " + f.git(work, "rev-parse", "main").substring(0, 10) + ", while exp/wide is at "
                        + f.git(work, "rev-parse", "exp/wide").substring(0, 10) + "); tags are never moved or overwritten. Nothing was archived.");
        assertRefused(ExpFailure.class, request("exp/remote-only", false, false, false),
                "exp/remote-only exists only on a remote (refs/remotes/origin/exp/remote-only); archiving it deletes it there."
                        + " Nothing was archived.");
        assertRefused(ExpFailure.class, request("main", false, false, false), "main is the main branch; it is never archived.");
        assertRefused(ExpError.class, request(null, false, false, false), "No branch to archive is named.");
        assertRefused(ExpError.class, request("exp/dropout", true, false, false),
                "Both a branch (-Dexp.branch=exp/dropout) and -Dexp.merged=true are given.");
        assertRefused(ExpError.class, new ArchiveRequest(work, "exp/local-only", false, false, "archive/", selection(), true, "upstream", null),
                "There is no git remote 'upstream' to push the archive to; nothing was archived.");

        assertEquals(before, state());
        assertEquals(List.of(), log.lines());
    }

    @Test
    void mergedArchivesEveryMergedExperimentBranchListingThemFirstAndTheDryRunOnlyLists() throws Exception {
        f.git(work, "merge", "-q", "--no-ff", "-m", "merge dropout", "exp/dropout");
        String before = state();

        assertEquals(List.of("archive/exp/dropout", "archive/exp/wide"), archiver().archive(request(null, true, true, false)));
        assertEquals(before, state(), "the dry run changes nothing");
        assertEquals("INFO 2 experiment branch(es) merged into main: exp/dropout, exp/wide", log.lines().get(0));
        assertTrue(log.lines().get(1).startsWith("INFO Would archive exp/dropout as archive/exp/dropout (tip "), log.lines().get(1));
        assertTrue(log.lines().get(2).startsWith("INFO Would archive exp/wide as archive/exp/wide (tip "), log.lines().get(2));

        assertEquals(List.of("archive/exp/dropout", "archive/exp/wide"), archiver().archive(request(null, true, false, true)));

        assertEquals("exp/adamw", f.git(work, "for-each-ref", "--format=%(refname:short)", "refs/heads/exp/"), "the unmerged branch stays");
        assertEquals("archive/exp/dropout\narchive/exp/wide", f.git(work, "tag", "--list", "archive/*"));
        assertEquals("exp/adamw", f.git(remote, "for-each-ref", "--format=%(refname:short)", "refs/heads/exp/"));
        assertTrue(log.contains("Archived exp/wide as archive/exp/wide ("), log.lines().toString());
    }

    @Test
    void anArchiveWhosePushFailedIsFinishedByTheNextRunNotMadeTwice() throws Exception {
        Path hook = remote.resolve("hooks/pre-receive");
        Path shipped = remote.resolve("hooks/pre-receive.shipped");
        Files.move(hook, shipped);
        Files.writeString(hook, "#!/bin/sh\necho 'remote is read-only today' >&2\nexit 1\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        String tip = f.git(work, "rev-parse", "exp/dropout");

        ExpError failed = assertThrows(ExpError.class, () -> archiver().archive(request("exp/dropout", false, false, true)));
        assertTrue(failed.getMessage().startsWith("The tag archive/exp/dropout was made locally, but the push to origin failed, so exp/dropout"
                + " was not deleted: "), failed.getMessage());
        assertTrue(failed.fix().startsWith("once the remote is reachable, run exp:archive again"), failed.fix());
        assertEquals(tip, f.git(work, "rev-parse", "exp/dropout"));
        assertEquals(tip, f.git(remote, "rev-parse", "exp/dropout"), "the atomic push left the remote as it was");
        String tagId = f.git(work, "rev-parse", "archive/exp/dropout");

        Files.move(shipped, hook, StandardCopyOption.REPLACE_EXISTING);
        log = new CapturingLog();
        archiver().archive(request("exp/dropout", false, false, true));

        assertTrue(log.contains("The tag archive/exp/dropout already archives exp/dropout at " + tip.substring(0, 10)
                + "; finishing that archive"), log.lines().toString());
        assertEquals(tagId, f.git(work, "rev-parse", "archive/exp/dropout"), "the tag is the first run's, not a second one");
        assertEquals(tagId, f.git(remote, "rev-parse", "archive/exp/dropout"));
        assertEquals("", f.git(work, "branch", "--list", "exp/dropout"));
        assertEquals("", f.git(remote, "branch", "--list", "exp/dropout"));
    }

    private BranchArchiver archiver() {
        return new BranchArchiver(log);
    }

    private ArchiveRequest request(String branch, boolean merged, boolean dryRun, boolean push) {
        return new ArchiveRequest(work, branch, merged, dryRun, null, selection(), push, null, null);
    }

    private static BoardOptions selection() {
        return new BoardOptions(null, null, "val_acc", List.of(), List.of(), List.of(), null);
    }

    private void assertRefused(Class<? extends ExpException> kind, ArchiveRequest request, String message) {
        ExpException e = assertThrows(kind, () -> archiver().archive(request));
        assertEquals(message, e.getMessage());
        assertFalse(e.fix().isBlank());
    }

    /** Every ref here and on the remote, and the branch settings. */
    private String state() {
        return f.git(work, "for-each-ref") + "\n" + f.git(remote, "for-each-ref") + "\n" + f.git(work, "config", "--list", "--local");
    }

    private static void installHook(Path bare, String resource) throws IOException {
        Path hook = bare.resolve("hooks/pre-receive");
        try (InputStream in = BranchArchiverTest.class.getResourceAsStream(resource)) {
            Files.copy(in, hook, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A git command expected to fail, and what it said. */
    private record Cmd(Executable command) {
        String failure() {
            return assertThrows(IllegalStateException.class, command).getMessage();
        }
    }
}
