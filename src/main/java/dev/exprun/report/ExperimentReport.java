package dev.exprun.report;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import dev.exprun.gate.MetricDirection;
import dev.exprun.git.Repositories;
import dev.exprun.history.HistoryEntry;
import dev.exprun.history.HistoryOptions;
import dev.exprun.history.RunHistory;
import dev.exprun.history.RunNotes;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.lib.Repository;

/**
 * exp:report: the runs git knows (notes and exp tags, as exp:history lists them) as one self-contained HTML page:
 * the runs table, and the metric curves of the best (by the objective) or newest runs overlaid, from the
 * metrics.jsonl of their run directories. Runs known from the notes alone are in the table; the page says that
 * their curves are not here.
 */
public final class ExperimentReport {
    /** The default number of runs overlaid: what a palette of seven colours and a reader tell apart, and one more. */
    public static final int DEFAULT_MAX_RUNS = 7;
    /** Fields of metrics.jsonl that are no metric (exprun.log writes the wall time and the seed): charted only when named. */
    static final Set<String> NOT_METRICS = Set.of("time", "timestamp", "wall_time", "seed", "epoch");

    private final ExpLog log;

    public ExperimentReport(ExpLog log) {
        this.log = log;
    }

    /** Writes outDir/index.html and returns it. buildDir: where the run directories are (target/exp/runs). */
    public Path write(Path baseDir, Path buildDir, String project, ReportOptions options, Path outDir) {
        List<HistoryEntry> runs;
        List<TagTimeline.Milestone> milestones;
        try (Repository repo = Repositories.open(baseDir, "exp:report")) {
            runs = new RunHistory(repo, log).list(new RunNotes(repo).readAll(),
                    new HistoryOptions(options.all(), options.since(), false, null, null, options.metrics(), "table"));
            milestones = TagTimeline.read(repo);
        }
        List<String> columns = columns(runs, options.metrics());
        List<HistoryEntry> overlaid = overlaid(runs, buildDir, options);
        Map<String, RunRecord> details = new LinkedHashMap<>();
        Map<String, List<SvgChart.Curve>> byMetric = new LinkedHashMap<>();
        options.metrics().forEach(m -> byMetric.put(m, new ArrayList<>()));
        List<String> names = new ArrayList<>();
        for (HistoryEntry e : overlaid) {
            Path runDir = buildDir.resolve("exp").resolve("runs").resolve(e.runId());
            details.put(e.runId(), RecordJson.read(runDir.resolve("run.json"), RunRecord.class));
            names.add(e.runId());
            Map<String, MetricSeries> series;
            try {
                series = MetricSeries.read(runDir.resolve("out").resolve("metrics.jsonl"));
            } catch (IOException ex) {
                log.warn("exp:report: cannot read the metrics of run " + e.runId() + " (" + ex.getMessage() + "); its curves are left out");
                continue;
            }
            series.forEach((metric, s) -> {
                if (options.metrics().isEmpty() ? !NOT_METRICS.contains(metric) : options.metrics().contains(metric)) {
                    byMetric.computeIfAbsent(metric, k -> new ArrayList<>()).add(new SvgChart.Curve(e.runId(), s));
                }
            });
        }
        Map<String, String> charts = new LinkedHashMap<>();
        byMetric.forEach((metric, curves) -> {
            if (!curves.isEmpty()) {
                charts.put(metric, SvgChart.render(metric, curves));
            }
        });
        long noteOnly = runs.stream().filter(e -> e.runId() != null && !hasSeries(buildDir, e.runId())).count();
        String note = (overlaid.isEmpty() ? "No run of the table has its metric series (metrics.jsonl) in a run directory here."
                : overlaid.size() + " run(s) overlaid: " + (options.objective() == null || options.objective().isBlank()
                        ? "the newest" : "the best by " + options.objective()) + ", up to " + options.maxRuns() + ".")
                + (noteOnly > 0 ? " " + noteOnly + " run(s) are known from the git notes only (no run directory with metrics.jsonl here): "
                        + "their final metrics are in the table, their curves are not." : "");
        Map<String, String> timeline = new LinkedHashMap<>();
        Set<String> tagMetrics = new LinkedHashSet<>(options.metrics());
        if (tagMetrics.isEmpty()) {
            milestones.forEach(m -> tagMetrics.addAll(m.metrics().keySet()));
        }
        tagMetrics.forEach(metric -> {
            String svg = TagTimeline.render(metric, milestones);
            if (svg != null) {
                timeline.put(metric, svg);
            }
        });
        String page = ReportPage.render(project, runs, columns, charts, names, note, details, milestones.size(), timeline);
        Path index = outDir.resolve("index.html");
        try {
            Files.createDirectories(outDir);
            Path tmp = outDir.resolve("index.html.tmp");
            Files.writeString(tmp, page, StandardCharsets.UTF_8);
            Files.move(tmp, index, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ExpError("Cannot write the report " + index + ": " + e.getMessage(), "check that " + outDir + " is writable", e);
        }
        log.info("Report: " + index + " (" + runs.size() + " run(s), " + charts.size() + " chart(s) of " + overlaid.size() + " run(s), "
                + milestones.size() + " exp tag(s))");
        return index;
    }

    /** The chosen metrics, else the first four the runs have. */
    private static List<String> columns(List<HistoryEntry> runs, List<String> chosen) {
        if (!chosen.isEmpty()) {
            return chosen;
        }
        Set<String> seen = new LinkedHashSet<>();
        runs.forEach(e -> seen.addAll(e.metrics().keySet()));
        return seen.stream().limit(4).toList();
    }

    /** The runs whose curves are drawn: with a run directory and series here, trained (not served), best or newest first. */
    private static List<HistoryEntry> overlaid(List<HistoryEntry> runs, Path buildDir, ReportOptions options) {
        List<HistoryEntry> candidates = runs.stream()
                .filter(e -> e.runId() != null && e.cachedFrom() == null && hasSeries(buildDir, e.runId())).toList();
        String objective = options.objective() == null || options.objective().isBlank() ? null : options.objective().trim();
        if (objective != null) {
            MetricDirection direction = MetricDirection.of(objective, options.higherIsBetter(), options.lowerIsBetter());
            Comparator<HistoryEntry> best = Comparator.comparing(e -> e.metrics().get(objective));
            candidates = candidates.stream().filter(e -> e.metrics().get(objective) != null && Double.isFinite(e.metrics().get(objective)))
                    .sorted(direction == MetricDirection.HIGHER_IS_BETTER ? best.reversed() : best).toList();
        }
        return candidates.stream().limit(Math.max(1, options.maxRuns())).toList();
    }

    private static boolean hasSeries(Path buildDir, String runId) {
        Path runDir = buildDir.resolve("exp").resolve("runs").resolve(runId);
        return Files.isRegularFile(runDir.resolve("run.json")) && Files.isRegularFile(runDir.resolve("out").resolve("metrics.jsonl"));
    }
}
