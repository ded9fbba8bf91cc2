package dev.exprun.branches;

import dev.exprun.history.RunNote;
import java.util.List;
import java.util.Set;

/** A branch's runs in brief: how many, how many did not succeed, and the best one (null when none qualifies). */
public record BranchSummary(int runs, int failed, RunNote best) {
    /** The statuses of a run that ended without a model; a running or cached run is neither. */
    private static final Set<String> FAILED = Set.of("failed", "timed-out", "interrupted", "killed");

    static BranchSummary of(List<RunNote> runs, Objective objective) {
        int failed = (int) runs.stream().filter(r -> FAILED.contains(r.status())).count();
        return new BranchSummary(runs.size(), failed, Objective.best(runs, objective).orElse(null));
    }
}
