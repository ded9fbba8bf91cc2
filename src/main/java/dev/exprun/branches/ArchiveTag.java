package dev.exprun.branches;

import dev.exprun.history.HistoryFormat;
import dev.exprun.history.RunNote;
import dev.exprun.tagging.TagAnnotation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An archive tag's message: a line a person reads ({@code archive of exp/dropout-0.3: 12 runs (2 failed), best run ...
 * val_acc=0.91}), then the branch's run summary as a fenced JSON block like an exp tag's, schema
 * {@code exprun.archive/v1}. The schema differs from exp tags' on purpose: an archived experiment is not a released
 * model, so it is never a baseline or a release.
 */
final class ArchiveTag {
    static final String SCHEMA = "exprun.archive/v1";

    private ArchiveTag() {
    }

    static String message(ExperimentBranch branch, BranchSummary runs, Objective objective) {
        RunNote best = runs.best();
        StringBuilder text = new StringBuilder("archive of ").append(branch.name()).append(": ").append(runs.runs()).append(" run(s)")
                .append(runs.failed() > 0 ? " (" + runs.failed() + " failed)" : "");
        if (best != null) {
            text.append(", best run ").append(best.runId());
            Objective.metricsOf(best).forEach((k, v) -> text.append(' ').append(k).append('=').append(HistoryFormat.readable(v)));
        }
        text.append("\n\n");
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("schema", SCHEMA);
        block.put("branch", branch.name());
        block.put("commit", branch.tip().name());
        block.put("runs", runs.runs());
        block.put("failed", runs.failed());
        block.put("objective", objective == null ? null : objective.describe());
        block.put("bestRun", best == null ? null : BoardFormat.bestRun(best));
        text.append(TagAnnotation.fenced(block));
        return text.toString();
    }

    /** The branch an archive tag's message says it archived; empty when the message is no archive tag's. */
    static Optional<String> branchOf(String message) {
        return TagAnnotation.read(message).filter(b -> SCHEMA.equals(b.path("schema").asText()))
                .map(b -> b.path("branch").asText(null));
    }
}
