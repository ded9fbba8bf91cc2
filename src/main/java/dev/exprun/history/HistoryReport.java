package dev.exprun.history;

import dev.exprun.core.ExpLog;
import dev.exprun.git.Repositories;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.lib.Repository;

/** exp:history and exp:compare from a project directory: read the notes once, then list or compare. */
public final class HistoryReport {
    private HistoryReport() {
    }

    public static List<String> lines(Path baseDir, HistoryOptions options, ExpLog log) {
        try (Repository repo = Repositories.open(baseDir, "exp:history")) {
            List<HistoryEntry> entries = new RunHistory(repo, log).list(new RunNotes(repo).readAll(), options);
            return HistoryFormat.render(entries, options.metrics(), options.format());
        }
    }

    /** exp:compare: both runs by run id, tag or commit, side by side. */
    public static List<String> compare(Path baseDir, String a, String b) {
        try (Repository repo = Repositories.open(baseDir, "exp:compare")) {
            var notes = new RunNotes(repo).readAll();
            return RunComparison.lines(repo, RunRef.resolve(repo, notes, a), RunRef.resolve(repo, notes, b));
        }
    }
}
