package dev.exprun.tagging;

import dev.exprun.core.ExternalProgram;
import dev.exprun.core.RemoteGit;
import dev.exprun.git.RemoteUrl;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A tag on the remote, through the git program so that the remote is reached exactly as git reaches
 * it (ssh config and agent, credential helpers, proxies). A settings.xml login, when given, is handed
 * to git by a one-off credential helper that reads it from the environment: never on a command line.
 * The push never forces, so git itself refuses to overwrite a tag the remote already has.
 */
final class RemoteTags {
    /** What a push did: pushed, refused because the remote has the tag, or failed for another reason (detail says). */
    record Push(boolean pushed, boolean remoteHasTag, String detail) {
    }

    private final String remote;
    private final RemoteGit git;

    RemoteTags(Path workTree, String remote, GitCredentials credentials) {
        this.remote = remote;
        this.git = credentials == null ? new RemoteGit(workTree, null, null, RemoteUrl::redact)
                : new RemoteGit(workTree, credentials.username(), credentials.password(), RemoteUrl::redact);
    }

    /** The id the remote's tag points at; empty when the remote has no such tag. Unreachable: RemoteUnreachable. */
    Optional<String> lookup(String name) {
        ExternalProgram.Result r = git("ls-remote", "--tags", remote, "refs/tags/" + name);
        if (r.exit() != 0) {
            throw new RemoteUnreachable(redact(r.err().strip()));
        }
        for (String line : r.outText().split("\n")) {
            String[] parts = line.split("\t");
            if (parts.length == 2 && parts[1].equals("refs/tags/" + name)) {
                return Optional.of(parts[0]);
            }
        }
        return Optional.empty();
    }

    Push push(String name) {
        String ref = "refs/tags/" + name;
        ExternalProgram.Result r = git("push", "--porcelain", remote, ref + ":" + ref);
        String out = r.outText();
        for (String line : out.split("\n")) {
            String[] parts = line.split("\t");
            if (parts.length >= 3 && parts[1].equals(ref + ":" + ref)) {
                boolean exists = parts[2].contains("already exists") || parts[2].contains("fetch first") || parts[2].contains("stale info");
                return new Push(parts[0].equals("*") || parts[0].equals("="), exists && parts[0].equals("!"),
                        redact((parts[2] + "\n" + r.err()).strip()));
            }
        }
        return new Push(false, false, redact((out + "\n" + r.err()).strip()));
    }

    String name() {
        return remote;
    }

    /** How to do by hand what failed, for messages. */
    String manualPush(String name) {
        return "git push " + remote + " refs/tags/" + name;
    }

    private ExternalProgram.Result git(String... args) {
        return git.run(args);
    }

    /** git's messages may echo the remote URL, token included; and never repeat the password itself. */
    String redact(String text) {
        return git.redact(text);
    }

    /** The remote could not be asked: network, credentials, a wrong URL. */
    static final class RemoteUnreachable extends RuntimeException {
        RemoteUnreachable(String reason) {
            super(reason.isEmpty() ? "no message from git" : reason);
        }
    }
}
