package dev.exprun.report;

import dev.exprun.core.ExpError;
import dev.exprun.git.BranchGlob;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * exp:report's options. metrics: the charted and tabled metrics (empty: every metric the runs logged, tabled: the
 * first four); objective: the metric that picks the best runs to overlay and the best trial of a sweep (empty: the
 * newest runs, and no best trial); maxRuns: how many runs are overlaid; all/since: which runs the table lists, as
 * exp:history takes them; branches: only runs on these branches (globs, {@code exp/*}; all refs are read then);
 * format: one page or one SVG file per chart; baseline/maxRegression: the tag the timeline draws as its baseline, and
 * the regression each metric is allowed below it (the gates of exp:verify, shaded).
 */
public record ReportOptions(List<String> metrics, String objective, int maxRuns, boolean all, String since,
                            List<String> higherIsBetter, List<String> lowerIsBetter, List<String> branches, Format format,
                            String baseline, Map<String, String> maxRegression) {

    /** index.html, or each chart as its own .svg (for slides and pull requests). */
    public enum Format {
        HTML, SVG;

        public static Format parse(String text) {
            String t = text == null || text.isBlank() ? "html" : text.trim().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "html" -> HTML;
                case "svg" -> SVG;
                default -> throw new ExpError("The report format '" + text + "' is unknown.", "use -Dexp.format=html (one page) or svg (a file per chart)");
            };
        }
    }

    /** The options of the first slice: every branch, one page, no baseline. */
    public ReportOptions(List<String> metrics, String objective, int maxRuns, boolean all, String since,
                         List<String> higherIsBetter, List<String> lowerIsBetter) {
        this(metrics, objective, maxRuns, all, since, higherIsBetter, lowerIsBetter, List.of(), Format.HTML, null, Map.of());
    }

    String objectiveOrNull() {
        return objective == null || objective.isBlank() ? null : objective.trim();
    }

    /** Branches are spread over refs, so naming some reads every ref, as -Dexp.all=true does. */
    boolean allRefs() {
        return all || !branches.isEmpty();
    }

    /** Whether a run's branch is one of {@code branches}: {@code *} within a path segment, {@code **} across them. */
    boolean onBranches(String branch) {
        if (branches.isEmpty()) {
            return true;
        }
        return branch != null && branches.stream().anyMatch(g -> BranchGlob.matches(g, branch));
    }
}
