package dev.exprun.report;

import java.util.List;

/**
 * exp:report's options. metrics: the charted and tabled metrics (empty: every metric the runs logged, tabled: the
 * first four); objective: the metric that picks the best runs to overlay (empty: the newest); maxRuns: how many runs
 * are overlaid; all/since: which runs the table lists, as exp:history takes them.
 */
public record ReportOptions(List<String> metrics, String objective, int maxRuns, boolean all, String since,
                            List<String> higherIsBetter, List<String> lowerIsBetter) {
}
