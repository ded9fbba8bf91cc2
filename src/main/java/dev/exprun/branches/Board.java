package dev.exprun.branches;

import java.util.List;

/**
 * The leaderboard: the objective it ranks by (null: none, the newest successful run stands for a branch), main's
 * summary and the reference the deltas are taken against, and one row per experiment branch, best first.
 */
public record Board(Objective objective, String mainBranch, BranchSummary main, BoardReference reference, List<BoardRow> rows) {
}
