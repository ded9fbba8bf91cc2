package dev.exprun.git;

import dev.exprun.core.ExpError;
import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** The repository a project lives in, found upwards from its directory as git finds it (GIT_DIR honoured). */
public final class Repositories {
    private Repositories() {
    }

    /** goal: what needs the repository, for the message, e.g. "exp:history". */
    public static Repository open(Path baseDir, String goal) {
        try {
            return new FileRepositoryBuilder().readEnvironment().findGitDir(baseDir.toFile()).setMustExist(true).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new ExpError("There is no git repository at or above " + baseDir + "; " + goal + " works from the runs recorded in git.",
                    "run " + goal + " inside the project's git checkout");
        }
    }
}
