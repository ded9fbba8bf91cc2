package dev.exprun.branches;

import dev.exprun.history.RunNote;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which recorded runs belong to a branch: the runs on its own commits (those main lacks), and the runs whose note names
 * the branch (a run made right after the branch was cut, before its first commit, ran on main's commit). Each run once.
 */
final class BranchRuns {
    private final Map<String, List<RunNote>> byCommit;
    private final Map<String, List<RunNote>> byBranch = new HashMap<>();

    BranchRuns(Map<String, List<RunNote>> byCommit) {
        this.byCommit = byCommit;
        byCommit.values().forEach(runs -> runs.forEach(r -> {
            if (r.branch() != null) {
                byBranch.computeIfAbsent(r.branch(), k -> new ArrayList<>()).add(r);
            }
        }));
    }

    List<RunNote> of(String branch, List<String> commits) {
        Map<String, RunNote> runs = new LinkedHashMap<>();
        for (String commit : commits) {
            byCommit.getOrDefault(commit, List.of()).forEach(r -> runs.putIfAbsent(r.runId(), r));
        }
        byBranch.getOrDefault(branch, List.of()).forEach(r -> runs.putIfAbsent(r.runId(), r));
        return new ArrayList<>(runs.values());
    }

    /**
     * Main's own runs: those on its history made on main itself or on a detached HEAD (CI), not the experiments' runs
     * that reached main's history by a merge or were made on a branch just cut from it.
     */
    List<RunNote> ofMain(String main, List<String> history) {
        Map<String, RunNote> runs = new LinkedHashMap<>();
        for (String commit : history) {
            byCommit.getOrDefault(commit, List.of()).stream().filter(r -> r.branch() == null || r.branch().equals(main))
                    .forEach(r -> runs.putIfAbsent(r.runId(), r));
        }
        byBranch.getOrDefault(main, List.of()).forEach(r -> runs.putIfAbsent(r.runId(), r));
        return new ArrayList<>(runs.values());
    }

    /** The names of every metric any run logged, for guessing the objective. */
    Collection<String> metricNames() {
        return byCommit.values().stream().flatMap(List::stream).filter(r -> r.metrics() != null)
                .flatMap(r -> r.metrics().keySet().stream()).distinct().toList();
    }
}
