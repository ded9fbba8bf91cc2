package dev.exprun.tagging;

import dev.exprun.core.ExternalProgram;
import dev.exprun.core.RemoteGit;
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
        this.git = GitCredentials.remoteGit(workTree, credentials);
    }

    /** The id the remote's tag points at; empty when the remote has no such tag. Unreachable: RemoteGit.Unreachable. */
    Optional<String> lookup(String name) {
        return git.remoteRef(remote, "refs/tags/" + name);
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
}
