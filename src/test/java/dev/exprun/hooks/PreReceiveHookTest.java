package dev.exprun.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pre-receive hook as it ships in the jar, installed in real bare repositories and pushed to with real git. */
class PreReceiveHookTest {
    private static final String HOOK = "/dev/exprun/hooks/pre-receive";
    private static final String ZERO = "0000000";

    @TempDir
    Path tmp;

    private Path server;
    private Path work;

    @BeforeEach
    void aBareServerWithTheHookAndAClone() throws IOException {
        Files.createDirectories(tmp.resolve("home"));
        server = tmp.resolve("models.git");
        ok(tmp, "git", "init", "-q", "--bare", server.toString());
        install(server);
        ok(tmp, "git", "clone", "-q", server.toString(), "work");
        work = tmp.resolve("work");
        commit(work, "first");
        ok(work, "git", "push", "-q", "origin", "HEAD:refs/heads/main");
    }

    @Test
    void creatingAProtectedTagIsAllowed() {
        tag(work, "v1.0");
        Git push = git(work, "git", "push", "origin", "refs/tags/v1.0");
        assertEquals(0, push.exit(), push.err());
        assertEquals(List.of(), remoteLines(push));
        assertTrue(push.err().contains(" * [new tag]         v1.0 -> v1.0"), push.err());
        assertEquals(ok(work, "git", "rev-parse", "v1.0"), serverRef("refs/tags/v1.0"));
    }

    @Test
    void deletingAProtectedTagIsRefusedAndTheTagStays() {
        String old = pushedTag("v1.0");
        Git push = git(work, "git", "push", "origin", ":refs/tags/v1.0");
        assertNotEquals(0, push.exit());
        assertEquals(List.of("remote: exprun: refusing to delete tag v1.0 (" + shortId(old) + " -> " + ZERO
                + "): tags matching 'v*' are immutable and cannot be deleted"), remoteLines(push));
        assertTrue(push.err().contains(" ! [remote rejected] v1.0 (pre-receive hook declined)"), push.err());
        assertEquals(old, serverRef("refs/tags/v1.0"));
    }

    @Test
    void archiveTagsAreProtectedByDefaultToo() {
        String old = pushedTag("archive/exp/dropout-0.3");
        Git delete = git(work, "git", "push", "origin", ":refs/tags/archive/exp/dropout-0.3");
        assertNotEquals(0, delete.exit());
        assertEquals(List.of("remote: exprun: refusing to delete tag archive/exp/dropout-0.3 (" + shortId(old) + " -> " + ZERO
                + "): tags matching 'archive/*' are immutable and cannot be deleted"), remoteLines(delete));
        commit(work, "second");
        ok(work, "git", "tag", "-f", "-a", "archive/exp/dropout-0.3", "-m", "moved");
        Git move = git(work, "git", "push", "--force", "origin", "refs/tags/archive/exp/dropout-0.3");
        assertNotEquals(0, move.exit());
        assertEquals(1, remoteLines(move).size(), move.err());
        assertTrue(remoteLines(move).get(0).startsWith("remote: exprun: refusing to move tag archive/exp/dropout-0.3 ("), move.err());
        assertEquals(old, serverRef("refs/tags/archive/exp/dropout-0.3"));
    }

    @Test
    void forcePushingAMovedProtectedTagIsRefusedAndTheServerKeepsTheOldObject() {
        String old = pushedTag("v1.0-prod-ready");
        commit(work, "second");
        ok(work, "git", "tag", "-f", "-a", "v1.0-prod-ready", "-m", "moved");
        String moved = ok(work, "git", "rev-parse", "v1.0-prod-ready");
        Git push = git(work, "git", "push", "--force", "origin", "refs/tags/v1.0-prod-ready");
        assertNotEquals(0, push.exit());
        assertEquals(List.of("remote: exprun: refusing to move tag v1.0-prod-ready (" + shortId(old) + " -> " + shortId(moved)
                + "): tags matching 'v*' are immutable; create a new tag instead"), remoteLines(push));
        assertTrue(push.err().contains(" ! [remote rejected] v1.0-prod-ready -> v1.0-prod-ready (pre-receive hook declined)"),
                push.err());
        assertEquals(old, serverRef("refs/tags/v1.0-prod-ready"));
    }

    @Test
    void aTagNotMatchingAnyPatternMayBeMovedAndDeleted() {
        pushedTag("scratch-1");
        commit(work, "second");
        ok(work, "git", "tag", "-f", "-a", "scratch-1", "-m", "moved");
        Git move = git(work, "git", "push", "--force", "origin", "refs/tags/scratch-1");
        assertEquals(0, move.exit(), move.err());
        assertEquals(List.of(), remoteLines(move));
        assertEquals(ok(work, "git", "rev-parse", "scratch-1"), serverRef("refs/tags/scratch-1"));

        Git delete = git(work, "git", "push", "origin", ":refs/tags/scratch-1");
        assertEquals(0, delete.exit(), delete.err());
        assertEquals(List.of(), remoteLines(delete));
        assertNull(serverRef("refs/tags/scratch-1"));
    }

    @Test
    void branchesMayBeForcePushedEvenWhenTheirNameMatchesATagPattern() {
        ok(work, "git", "push", "-q", "origin", "HEAD:refs/heads/v1-experiment");
        ok(work, "git", "commit", "-q", "--amend", "-m", "rewritten");
        String rewritten = ok(work, "git", "rev-parse", "HEAD");
        Git push = git(work, "git", "push", "--force", "origin", "HEAD:refs/heads/main", "HEAD:refs/heads/v1-experiment");
        assertEquals(0, push.exit(), push.err());
        assertEquals(List.of(), remoteLines(push));
        assertEquals(rewritten, serverRef("refs/heads/main"));
        assertEquals(rewritten, serverRef("refs/heads/v1-experiment"));
    }

    @Test
    void configuredPatternsReplaceTheDefault() {
        ok(server, "git", "config", "--add", "exprun.protectedTags", "release-*");
        ok(server, "git", "config", "--add", "exprun.protectedTags", "model-*");
        tag(work, "release-1");
        tag(work, "model-a");
        tag(work, "v1.0");
        ok(work, "git", "push", "-q", "origin", "refs/tags/release-1", "refs/tags/model-a", "refs/tags/v1.0");
        String release = serverRef("refs/tags/release-1");
        String model = serverRef("refs/tags/model-a");

        Git delete = git(work, "git", "push", "origin", ":refs/tags/release-1");
        assertNotEquals(0, delete.exit());
        assertEquals(List.of("remote: exprun: refusing to delete tag release-1 (" + shortId(release) + " -> " + ZERO
                + "): tags matching 'release-*' are immutable and cannot be deleted"), remoteLines(delete));
        assertEquals(release, serverRef("refs/tags/release-1"));

        commit(work, "second");
        ok(work, "git", "tag", "-f", "-a", "model-a", "-m", "moved");
        String moved = ok(work, "git", "rev-parse", "model-a");
        Git move = git(work, "git", "push", "--force", "origin", "refs/tags/model-a");
        assertNotEquals(0, move.exit());
        assertEquals(List.of("remote: exprun: refusing to move tag model-a (" + shortId(model) + " -> " + shortId(moved)
                + "): tags matching 'model-*' are immutable; create a new tag instead"), remoteLines(move));
        assertEquals(model, serverRef("refs/tags/model-a"));

        Git unprotected = git(work, "git", "push", "origin", ":refs/tags/v1.0");
        assertEquals(0, unprotected.exit(), unprotected.err());
        assertEquals(List.of(), remoteLines(unprotected));
        assertNull(serverRef("refs/tags/v1.0"));
    }

    @Test
    void aPushWithOneRefusedRefIsRefusedAsAWhole() {
        String v1 = pushedTag("v1.0");
        String main = serverRef("refs/heads/main");
        commit(work, "second");
        tag(work, "v2.0");
        Git push = git(work, "git", "push", "origin", "HEAD:refs/heads/main", "refs/tags/v2.0", ":refs/tags/v1.0");
        assertNotEquals(0, push.exit());
        assertEquals(List.of("remote: exprun: refusing to delete tag v1.0 (" + shortId(v1) + " -> " + ZERO
                + "): tags matching 'v*' are immutable and cannot be deleted"), remoteLines(push));
        assertTrue(push.err().contains(" ! [remote rejected] HEAD -> main (pre-receive hook declined)"), push.err());
        assertTrue(push.err().contains(" ! [remote rejected] v2.0 -> v2.0 (pre-receive hook declined)"), push.err());
        assertEquals(main, serverRef("refs/heads/main"));
        assertNull(serverRef("refs/tags/v2.0"));
        assertEquals(v1, serverRef("refs/tags/v1.0"));
    }

    @Test
    void sha256RepositoriesAreProtectedToo() throws IOException {
        Path server256 = tmp.resolve("models256.git");
        ok(tmp, "git", "init", "-q", "--bare", "--object-format=sha256", server256.toString());
        install(server256);
        // git 2.39 clones an empty SHA-256 repository as SHA-1, so the client is made, not cloned.
        Path work256 = tmp.resolve("work256");
        ok(tmp, "git", "init", "-q", "--object-format=sha256", work256.toString());
        ok(work256, "git", "remote", "add", "origin", server256.toString());
        commit(work256, "first");
        tag(work256, "v1.0");
        Git create = git(work256, "git", "push", "origin", "HEAD:refs/heads/main", "refs/tags/v1.0");
        assertEquals(0, create.exit(), create.err());
        String old = ok(server256, "git", "rev-parse", "refs/tags/v1.0");
        assertEquals(64, old.length(), old);

        Git delete = git(work256, "git", "push", "origin", ":refs/tags/v1.0");
        assertNotEquals(0, delete.exit());
        assertEquals(List.of("remote: exprun: refusing to delete tag v1.0 (" + shortId(old) + " -> " + ZERO
                + "): tags matching 'v*' are immutable and cannot be deleted"), remoteLines(delete));
        assertEquals(old, ok(server256, "git", "rev-parse", "refs/tags/v1.0"));
    }

    @Test
    void anEmptyPatternStopsEveryPushInsteadOfProtectingNothing() {
        String old = pushedTag("v1.0");
        ok(server, "git", "config", "--add", "exprun.protectedTags", "");
        commit(work, "second");
        Git push = git(work, "git", "push", "origin", "HEAD:refs/heads/main");
        assertNotEquals(0, push.exit());
        assertEquals(List.of("remote: exprun: exprun.protectedTags has an empty value; remove it"
                + " (git config --unset-all exprun.protectedTags '^$') and push again"), remoteLines(push));
        assertNotEquals(ok(work, "git", "rev-parse", "HEAD"), serverRef("refs/heads/main"));
        assertEquals(old, serverRef("refs/tags/v1.0"));
    }

    @Test
    void theShippedScriptIsPosixShAndRunsUnderDash() throws IOException {
        String script = resource();
        assertEquals("#!/bin/sh", script.lines().findFirst().orElseThrow());
        // Debian's /bin/sh is dash; name it explicitly where it is installed so bash never stands in.
        String shell = Files.isExecutable(Path.of("/usr/bin/dash")) ? "/usr/bin/dash"
                : Files.isExecutable(Path.of("/bin/dash")) ? "/bin/dash" : "/bin/sh";
        Path hook = server.resolve("hooks/pre-receive");
        String zero64 = "0".repeat(64);

        Git allowed = run(server, zero64 + " " + "a".repeat(64) + " refs/tags/v3.0\n"
                + "c".repeat(64) + " " + zero64 + " refs/heads/v3\n", shell, hook.toString());
        assertEquals(0, allowed.exit(), allowed.err());
        assertEquals("", allowed.err());

        Git refused = run(server, "b".repeat(64) + " " + zero64 + " refs/tags/v1.0\n"
                + "d".repeat(40) + " " + "e".repeat(40) + " refs/tags/v1.1\n"
                + "0".repeat(40) + " " + "f".repeat(40) + " refs/tags/v1.2\n", shell, hook.toString());
        assertEquals(1, refused.exit(), shell + ": " + refused.err());
        assertEquals(List.of(
                "exprun: refusing to delete tag v1.0 (bbbbbbb -> 0000000): tags matching 'v*' are immutable and cannot be deleted",
                "exprun: refusing to move tag v1.1 (ddddddd -> eeeeeee): tags matching 'v*' are immutable; create a new tag instead"),
                refused.err().lines().toList());
    }

    private record Git(int exit, String out, String err) {
    }

    private String pushedTag(String name) {
        tag(work, name);
        ok(work, "git", "push", "-q", "origin", "refs/tags/" + name);
        String id = serverRef("refs/tags/" + name);
        assertNotNull(id, name + " did not reach the server");
        return id;
    }

    /** The server's value of ref, or null when it has none. */
    private String serverRef(String ref) {
        Git g = git(server, "git", "rev-parse", "--verify", "-q", ref);
        return g.exit() == 0 ? g.out().trim() : null;
    }

    private static String shortId(String id) {
        return id.substring(0, 7);
    }

    /** What the hook said, as the pusher sees it; git pads sideband lines with blanks, so those are dropped. */
    private static List<String> remoteLines(Git push) {
        return push.err().lines().filter(l -> l.startsWith("remote: ")).map(String::stripTrailing).toList();
    }

    private void commit(Path repo, String message) {
        try {
            Files.writeString(repo.resolve("train.py"), "print('" + message + "')\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ok(repo, "git", "add", "-A");
        ok(repo, "git", "commit", "-q", "-m", message);
    }

    private void tag(Path repo, String name) {
        ok(repo, "git", "tag", "-a", name, "-m", "model " + name);
    }

    private static String resource() throws IOException {
        try (InputStream in = PreReceiveHookTest.class.getResourceAsStream(HOOK)) {
            assertNotNull(in, HOOK + " is not on the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Installs the hook as the README says: copied from what ships in the jar, made executable. */
    private static void install(Path bare) throws IOException {
        Path hook = bare.resolve("hooks/pre-receive");
        try (InputStream in = PreReceiveHookTest.class.getResourceAsStream(HOOK)) {
            assertNotNull(in, HOOK + " is not on the classpath");
            Files.copy(in, hook, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private String ok(Path dir, String... command) {
        Git g = git(dir, command);
        assertEquals(0, g.exit(), String.join(" ", command) + " failed in " + dir + ": " + g.err());
        return g.out().trim();
    }

    private Git git(Path dir, String... command) {
        return run(dir, "", command);
    }

    /** Runs with a private HOME and no system config, so the developer's git settings (hooksPath, aliases) stay out. */
    private Git run(Path dir, String stdin, String... command) {
        try {
            Path out = Files.createTempFile(tmp, "cmd", ".out");
            Path err = Files.createTempFile(tmp, "cmd", ".err");
            Path in = Files.createTempFile(tmp, "cmd", ".in");
            Files.writeString(in, stdin);
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile())
                    .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("GIT_"));
            env.put("HOME", tmp.resolve("home").toString());
            env.put("XDG_CONFIG_HOME", tmp.resolve("home/.config").toString());
            env.put("GIT_CONFIG_NOSYSTEM", "1");
            env.put("GIT_TERMINAL_PROMPT", "0");
            env.put("LC_ALL", "C");
            env.put("GIT_AUTHOR_NAME", "Test");
            env.put("GIT_AUTHOR_EMAIL", "test@example.invalid");
            env.put("GIT_COMMITTER_NAME", "Test");
            env.put("GIT_COMMITTER_EMAIL", "test@example.invalid");
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out");
            }
            Git g = new Git(p.exitValue(), Files.readString(out), Files.readString(err));
            Files.delete(out);
            Files.delete(err);
            Files.delete(in);
            return g;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
