package dev.exprun.branches;


/** One experiment branch on the board: where it stands against main, and its runs in brief. */
public record BoardRow(ExperimentBranch branch, int ahead, int behind, int filesChanged, BranchSummary runs) {
}
