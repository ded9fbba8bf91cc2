package dev.exprun.history;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** exp:history and exp:compare from a project directory: read the notes once, then list or compare. */
public final class HistoryReport {
    private HistoryReport() {
    }

    public static List<String> lines(Path baseDir, HistoryOptions options, ExpLog log) {
        try (Repository repo = open(baseDir)) {
            List<HistoryEntry> entries = new RunHistory(repo, log).list(new RunNotes(repo).readAll(), options);
            return HistoryFormat.render(entries, options.metrics(), options.format());
        }
    }

    /** exp:compare: both runs by run id, tag or commit, side by side. */
    public static List<String> compare(Path baseDir, String a, String b) {
        try (Repository repo = open(baseDir)) {
            var notes = new RunNotes(repo).readAll();
            return RunComparison.lines(repo, RunRef.resolve(repo, notes, a), RunRef.resolve(repo, notes, b));
        }
    }

    static Repository open(Path baseDir) {
        try {
            return new FileRepositoryBuilder().readEnvironment().findGitDir(baseDir.toFile()).setMustExist(true).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new ExpError("There is no git repository at or above " + baseDir + ", so there is no run history.",
                    "run exp:history inside the project's git checkout");
        }
    }
}
