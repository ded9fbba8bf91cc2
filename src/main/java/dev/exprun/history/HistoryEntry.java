package dev.exprun.history;

import java.util.List;
import java.util.Map;

/**
 * One row of exp:history: a recorded run (from a note), an exp tag whose annotation carries a run
 * that no note has, or a lightweight tag (listed so it is never silently dropped, but it has no run).
 */
public record HistoryEntry(Source source, String date, String commit, String branch, List<String> tags, String runId,
                           String status, String imageDigest, Map<String, Double> metrics) {
    public enum Source { NOTE, TAG, LIGHTWEIGHT_TAG }
}
