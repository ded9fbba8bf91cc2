package dev.exprun.branches;

import java.util.Map;

/**
 * What every branch is measured against: main's best run, else the newest exp tag on main (kind {@code tag}), else
 * nothing (kind {@code none}, no deltas). label: the branch or tag name.
 */
public record BoardReference(Kind kind, String label, String runId, String commit, String startedAt, Map<String, Double> metrics) {
    public enum Kind { RUN, TAG, NONE }

    static BoardReference none(String mainBranch) {
        return new BoardReference(Kind.NONE, mainBranch, null, null, null, Map.of());
    }
}
