package dev.exprun.which;

import dev.exprun.core.ExpError;
import dev.exprun.history.RunNotes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** exp:which from a project directory: the notes and exp tags of its repository, then the file. */
public final class WhichQuery {
    private WhichQuery() {
    }

    public static List<String> lines(Path baseDir, Path file) {
        try (Repository repo = new FileRepositoryBuilder().readEnvironment().findGitDir(baseDir.toFile()).setMustExist(true).build()) {
            return WhichReport.lines(FileOrigin.find(file, new RunNotes(repo).readAll(), ExpTags.read(repo)));
        } catch (IOException | IllegalArgumentException e) {
            throw new ExpError("There is no git repository at or above " + baseDir + ", so there are no recorded runs to search.",
                    "run exp:which inside the project's git checkout");
        }
    }
}
