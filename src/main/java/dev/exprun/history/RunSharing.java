package dev.exprun.history;

import dev.exprun.git.Repositories;
import dev.exprun.tagging.GitCredentials;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Repository;

/** exp:fetch-runs and exp:push-runs from a project directory: runs merge, none is ever lost. */
public final class RunSharing {
    private RunSharing() {
    }

    public static NotesSync.Counts fetch(Path baseDir, String remote, GitCredentials credentials) {
        try (Repository repo = Repositories.open(baseDir, "exp:fetch-runs")) {
            return new NotesSync(repo, remote, credentials).fetch();
        }
    }

    public static NotesSync.Pushed push(Path baseDir, String remote, GitCredentials credentials) {
        try (Repository repo = Repositories.open(baseDir, "exp:push-runs")) {
            return new NotesSync(repo, remote, credentials).push();
        }
    }
}
