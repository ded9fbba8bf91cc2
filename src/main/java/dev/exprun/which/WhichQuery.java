package dev.exprun.which;

import dev.exprun.tagging.ExpTags;
import dev.exprun.git.Repositories;
import dev.exprun.history.RunNotes;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.lib.Repository;

/** exp:which from a project directory: the notes and exp tags of its repository, then the file. */
public final class WhichQuery {
    private WhichQuery() {
    }

    public static List<String> lines(Path baseDir, Path file) {
        try (Repository repo = Repositories.open(baseDir, "exp:which")) {
            return WhichReport.lines(FileOrigin.find(file, new RunNotes(repo).readAll(), ExpTags.read(repo)));
        }
    }
}
