package dev.exprun.tagging;

import dev.exprun.core.RemoteGit;
import dev.exprun.git.RemoteUrl;
import java.nio.file.Path;

/** A login for the git remote, from a settings.xml server; source names it in messages, never the password. */
public record GitCredentials(String username, String password, String source) {

    /** The git program for a remote, logged in with credentials (null: git's own credentials only). */
    public static RemoteGit remoteGit(Path workTree, GitCredentials credentials) {
        return credentials == null ? new RemoteGit(workTree, null, null, RemoteUrl::redact)
                : new RemoteGit(workTree, credentials.username(), credentials.password(), RemoteUrl::redact);
    }

    @Override
    public String toString() {
        return "GitCredentials[" + source + "]";
    }
}
