package dev.exprun.history;

import java.util.List;
import java.util.Map;

/**
 * One row of exp:history (cachedFrom: the run whose outputs a run served from the run cache reused, else null): a recorded run (from a note), an exp tag whose annotation carries a run
 * that no note has, or a lightweight tag (listed so it is never silently dropped, but it has no run).
 */
public record HistoryEntry(Source source, String date, String commit, String branch, List<String> tags, String runId,
                           String status, String imageDigest, Map<String, Double> metrics, String cachedFrom) {
    public enum Source { NOTE, TAG, LIGHTWEIGHT_TAG }

    /** An entry of a run that trained (or a tag): cachedFrom null. */
    public HistoryEntry(Source source, String date, String commit, String branch, List<String> tags, String runId,
                        String status, String imageDigest, Map<String, Double> metrics) {
        this(source, date, commit, branch, tags, runId, status, imageDigest, metrics, null);
    }
}
