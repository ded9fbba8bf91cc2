package dev.exprun.tagging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.git.GitProvenance;
import dev.exprun.git.GitProvenanceResolver;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunStatus;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.Cmd;
import dev.exprun.testing.Projects;
import dev.exprun.testing.Records;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exp:tag with a remote: checked before anything is written, pushed without force, signed by the user's gpg. */
class TagPublishingTest {
    @TempDir
    Path tmp;

    private Path repoWithRemote() {
        Path bare = tmp.resolve("remote.git");
        Cmd.run(tmp, "git", "init", "-q", "--bare", bare.toString());
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.py", "print(1)\n", ".gitignore", "target/\n"));
        Cmd.run(repo, "git", "remote", "add", "origin", bare.toString());
        Cmd.run(repo, "git", "push", "-q", "origin", "main");
        return repo;
    }

    private static RunRecord runOn(Path repo) {
        GitProvenance git = new GitProvenanceResolver(ExpLog.NONE, Map.of()).resolve(repo, repo.resolve("target"), null);
        RunRecord s = Records.sample();
        return new RunRecord(s.schema(), s.runId(), RunStatus.SUCCEEDED, 0, null, s.project(), git, s.image(), s.container(),
                s.params(), Map.of("val_acc", 0.932), s.outputs(), s.engine(), s.host(), s.startedAt(), s.endedAt(), s.durationMs());
    }

    private static String tag(Path repo, String name, TagOptions options, CapturingLog log) {
        return new ModelTagger(log).tag(new TagRequest(repo, repo.resolve("target"), name, runOn(repo), List.of(), List.of(),
                Map.of(), options));
    }

    private static TagOptions push(GitCredentials credentials) {
        return new TagOptions(false, true, "origin", credentials);
    }

    private static String bareRef(Path repo, String ref) {
        return Cmd.run(repo, "git", "ls-remote", "origin", ref);
    }

    private static void hook(Path gitDir, String name, String script) throws IOException {
        Path hook = gitDir.resolve("hooks").resolve(name);
        Files.createDirectories(hook.getParent());
        Files.writeString(hook, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void pushedTagsArriveAnnotatedAtTheRunsCommit() {
        Path repo = repoWithRemote();
        CapturingLog log = new CapturingLog();
        String tagId = tag(repo, "v1.0-prod-ready", push(null), log);
        assertEquals(tagId + "\trefs/tags/v1.0-prod-ready", bareRef(repo, "refs/tags/v1.0-prod-ready"));
        assertEquals("tag", Cmd.run(tmp.resolve("remote.git"), "git", "cat-file", "-t", "v1.0-prod-ready"));
        assertEquals(Projects.head(repo), Cmd.run(tmp.resolve("remote.git"), "git", "rev-parse", "v1.0-prod-ready^{commit}"));
        assertTrue(log.lines().contains("INFO Pushed the tag v1.0-prod-ready to origin"), log.lines().toString());
    }

    @Test
    void aNameTheRemoteHasIsRefusedBeforeAnythingIsWritten() {
        Path repo = repoWithRemote();
        Cmd.run(repo, "git", "tag", "-a", "v1.0-prod-ready", "-m", "someone else's");
        Cmd.run(repo, "git", "push", "-q", "origin", "v1.0-prod-ready");
        String remoteBefore = bareRef(repo, "refs/tags/v1.0-prod-ready");
        Cmd.run(repo, "git", "tag", "-d", "v1.0-prod-ready"); // a clone that has not fetched it yet
        for (TagOptions options : List.of(push(null), TagOptions.local())) {
            ExpFailure e = assertThrows(ExpFailure.class, () -> tag(repo, "v1.0-prod-ready", options, new CapturingLog()));
            assertTrue(e.getMessage().startsWith("The tag v1.0-prod-ready already exists on the remote origin ("), e.getMessage());
        }
        assertEquals("", Cmd.run(repo, "git", "tag", "-l"));
        assertEquals(remoteBefore, bareRef(repo, "refs/tags/v1.0-prod-ready"));
    }

    @Test
    void aTagTheRemoteGetsAfterTheCheckIsNeverOverwritten() throws Exception {
        Path repo = repoWithRemote();
        Path bare = tmp.resolve("remote.git");
        String first = Projects.head(repo);
        // Another build wins the race between our check and our push.
        hook(repo.resolve(".git"), "pre-push", "git --git-dir='" + bare + "' update-ref refs/tags/v1.0-race " + first);
        ExpFailure e = assertThrows(ExpFailure.class, () -> tag(repo, "v1.0-race", push(null), new CapturingLog()));
        assertTrue(e.getMessage().startsWith("The remote already has a tag v1.0-race (made since the check); it was not overwritten."),
                e.getMessage());
        assertEquals(first + "\trefs/tags/v1.0-race", bareRef(repo, "refs/tags/v1.0-race"));
    }

    @Test
    void aFailedPushKeepsTheLocalTagAndSaysHowToPushItByHand() throws Exception {
        Path repo = repoWithRemote();
        hook(tmp.resolve("remote.git"), "pre-receive", "echo 'server: read-only today' >&2; exit 1");
        ExpError e = assertThrows(ExpError.class, () -> tag(repo, "v1.0-prod-ready", push(null), new CapturingLog()));
        assertTrue(e.getMessage().startsWith("The tag v1.0-prod-ready was created locally, but pushing it failed: "), e.getMessage());
        assertTrue(e.getMessage().contains("server: read-only today"), e.getMessage());
        assertEquals("git push origin refs/tags/v1.0-prod-ready", e.fix().substring(e.fix().indexOf("git push")));
        assertEquals("tag", Cmd.run(repo, "git", "cat-file", "-t", "v1.0-prod-ready"));
        assertEquals("", bareRef(repo, "refs/tags/v1.0-prod-ready"));
    }

    @Test
    void noRemoteToPushToOrAnUnreachableOneWritesNothingWhenPushing() {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.py", "print(1)\n", ".gitignore", "target/\n"));
        ExpError none = assertThrows(ExpError.class, () -> tag(repo, "v1.0-a", push(null), new CapturingLog()));
        assertTrue(none.getMessage().startsWith("There is no git remote 'origin' to push the tag to"), none.getMessage());
        Cmd.run(repo, "git", "remote", "add", "origin", tmp.resolve("missing.git").toString());
        ExpError gone = assertThrows(ExpError.class, () -> tag(repo, "v1.0-b", push(null), new CapturingLog()));
        assertTrue(gone.getMessage().startsWith("Cannot reach the remote origin to check that it has no tag v1.0-b; nothing was tagged"),
                gone.getMessage());
        assertEquals("", Cmd.run(repo, "git", "tag", "-l"));
        // Not pushing: the local tag is made, with a warning that only local tags were checked.
        CapturingLog log = new CapturingLog();
        tag(repo, "v1.0-c", TagOptions.local(), log);
        assertTrue(log.contains("WARN Could not ask the remote origin whether it has a tag v1.0-c, so only local tags were checked"),
                log.lines().toString());
        assertEquals("v1.0-c", Cmd.run(repo, "git", "tag", "-l"));
    }

    @Test
    void settingsCredentialsReachGitButNeverAMessage() throws Exception {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
                exchange.sendResponseHeaders(401, -1);
            } else {
                authorizations.add(auth);
                exchange.sendResponseHeaders(403, -1);
            }
            exchange.close();
        });
        server.start();
        try {
            Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.py", "print(1)\n", ".gitignore", "target/\n"));
            int port = server.getAddress().getPort();
            Cmd.run(repo, "git", "remote", "add", "origin", "http://127.0.0.1:" + port + "/team/model.git");
            ExpError e = assertThrows(ExpError.class, () -> tag(repo, "v1.0-a",
                    push(new GitCredentials("exp-user", "s3cret-pw", "settings.xml server git")), new CapturingLog()));
            assertEquals("Basic " + Base64.getEncoder().encodeToString("exp-user:s3cret-pw".getBytes(StandardCharsets.UTF_8)),
                    authorizations.get(0));
            assertFalse(e.describe().contains("s3cret-pw"), e.describe());
            // A token in the remote URL is what git sends, and is kept out of what we print.
            Cmd.run(repo, "git", "remote", "set-url", "origin", "http://bot:tok-abc123@127.0.0.1:" + port + "/team/model.git");
            CapturingLog log = new CapturingLog();
            tag(repo, "v1.0-b", TagOptions.local(), log);
            assertTrue(authorizations.contains("Basic " + Base64.getEncoder().encodeToString("bot:tok-abc123".getBytes(StandardCharsets.UTF_8))));
            assertTrue(log.contains("WARN Could not ask the remote origin"), log.lines().toString());
            assertFalse(log.lines().toString().contains("tok-abc123"), log.lines().toString());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void signedTagsVerifyWithGitAndTheUsersKeyring() throws Exception {
        Path gnupg = Files.createDirectory(tmp.resolve("gnupg"));
        Files.setPosixFilePermissions(gnupg, PosixFilePermissions.fromString("rwx------"));
        gpg(gnupg, "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", "Test <test@example.invalid>",
                "ed25519", "sign", "never");
        Path wrapper = tmp.resolve("gpg-wrapper");
        Files.writeString(wrapper, "#!/bin/sh\nGNUPGHOME='" + gnupg + "' exec gpg \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.py", "print(1)\n", ".gitignore", "target/\n"));
            Cmd.run(repo, "git", "config", "user.name", "Test");
            Cmd.run(repo, "git", "config", "user.email", "test@example.invalid");
            Cmd.run(repo, "git", "config", "gpg.program", wrapper.toString());
            CapturingLog log = new CapturingLog();
            tag(repo, "v1.0-signed", new TagOptions(true, false, "origin", null), log);
            assertTrue(log.contains("(annotated, signed, run "), log.lines().toString());
            assertTrue(Cmd.run(repo, "git", "cat-file", "-p", "v1.0-signed").contains("-----BEGIN PGP SIGNATURE-----"));
            Cmd.run(repo, "env", "GNUPGHOME=" + gnupg, "git", "verify-tag", "v1.0-signed"); // fails the test unless the signature is good
            // Unset sign follows git's tag.gpgSign, as git tag -a does.
            Cmd.run(repo, "git", "config", "tag.gpgSign", "true");
            tag(repo, "v1.0-by-config", new TagOptions(null, false, "origin", null), new CapturingLog());
            Cmd.run(repo, "env", "GNUPGHOME=" + gnupg, "git", "verify-tag", "v1.0-by-config");
            // A key gpg does not have: nothing is tagged.
            Cmd.run(repo, "git", "config", "user.signingKey", "nobody@example.invalid");
            ExpError e = assertThrows(ExpError.class, () -> tag(repo, "v1.0-nokey", new TagOptions(true, false, "origin", null),
                    new CapturingLog()));
            assertTrue(e.getMessage().startsWith("gpg could not sign the tag with the key 'nobody@example.invalid'"), e.getMessage());
            assertEquals(List.of("v1.0-by-config", "v1.0-signed"), List.of(Cmd.run(repo, "git", "tag", "-l").split("\n")));
        } finally {
            run(gnupg, List.of("gpgconf", "--kill", "gpg-agent")); // the agent gpg started must not outlive the test
        }
    }

    private static void gpg(Path home, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("gpg"));
        command.addAll(List.of(args));
        run(home, command);
    }

    private static void run(Path gnupgHome, List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("GNUPGHOME", gnupgHome.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
    }
}
