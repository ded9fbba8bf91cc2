package dev.exprun.branches;

import dev.exprun.core.ExpError;
import dev.exprun.git.Repositories;
import dev.exprun.history.RunNote;
import dev.exprun.history.RunNotes;
import dev.exprun.tagging.BaselineTags;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * exp:board: the experiment branches side by side, from the refs and the run notes alone (no run directory, no
 * engine): each branch's best run, its run counts and where it stands against main, and main's best run (else the
 * newest exp tag on main) as the reference the deltas are taken against.
 */
public final class ExperimentBoard {
    private ExperimentBoard() {
    }

    /** The board of the project's repository, rendered as options.format() says. */
    public static List<String> lines(Path baseDir, BoardOptions options) {
        try (Repository repo = Repositories.open(baseDir, "exp:board")) {
            return BoardFormat.render(build(repo, new RunNotes(repo).readAll(), options), options.metrics(), options.format(), Instant.now());
        }
    }

    public static Board build(Repository repo, Map<String, List<RunNote>> notes, BoardOptions options) {
        ExperimentBranches branches = new ExperimentBranches(repo);
        ExperimentBranch main = branches.main(options.mainBranch());
        BranchRuns runs = new BranchRuns(notes);
        Objective objective = Objective.resolve(options.objective(), runs::metricNames, options.higherIsBetter(),
                options.lowerIsBetter());
        try (BranchWalk walk = new BranchWalk(repo)) {
            BranchSummary mainRuns = BranchSummary.of(runs.ofMain(main.name(), walk.history(main.tip())), objective);
            List<BoardRow> rows = new ArrayList<>();
            for (ExperimentBranch branch : branches.list(options.branchPattern())) {
                if (branch.name().equals(main.name())) {
                    continue; // a pattern such as ** also matches main, which is the reference, not an experiment
                }
                BranchWalk.Distance d = walk.distance(main.tip(), branch.tip());
                rows.add(new BoardRow(branch, d.ahead().size(), d.behind(), d.filesChanged(),
                        BranchSummary.of(runs.of(branch.name(), d.ahead()), objective)));
            }
            rows.sort(bestFirst(objective));
            return new Board(objective, main.name(), mainRuns, reference(repo, main, mainRuns), rows);
        } catch (IOException e) {
            throw new ExpError("Cannot compare the experiment branches with " + main.name() + " in " + repo.getDirectory() + ": "
                    + e.getMessage(), "check that the repository is readable and complete (git fsck; a shallow clone lacks history)", e);
        }
    }

    private static BoardReference reference(Repository repo, ExperimentBranch main, BranchSummary mainRuns) throws IOException {
        RunNote best = mainRuns.best();
        if (best != null) {
            return new BoardReference(BoardReference.Kind.RUN, main.name(), best.runId(), best.commit(), best.startedAt(),
                    Objective.metricsOf(best));
        }
        try (RevWalk walk = new RevWalk(repo)) {
            return BaselineTags.latestReachableFrom(repo, walk, main.tip())
                    .map(t -> new BoardReference(BoardReference.Kind.TAG, t.tag(), t.runId(), t.commit(), null, t.metrics()))
                    .orElse(BoardReference.none(main.name()));
        }
    }

    /** Best objective first; branches without a value after them, by name. */
    private static Comparator<BoardRow> bestFirst(Objective objective) {
        Comparator<BoardRow> byName = Comparator.comparing(r -> r.branch().name());
        if (objective == null) {
            return byName;
        }
        return Comparator.comparing((BoardRow r) -> r.runs().best() == null ? null : objective.valueOf(r.runs().best()).orElse(null),
                Comparator.nullsLast(objective.better())).thenComparing(byName);
    }
}
