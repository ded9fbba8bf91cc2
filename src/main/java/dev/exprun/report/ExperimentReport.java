package dev.exprun.report;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import dev.exprun.gate.Baseline;
import dev.exprun.gate.Gate;
import dev.exprun.gate.MetricDirection;
import dev.exprun.gate.RegressionGates;
import dev.exprun.git.Repositories;
import dev.exprun.history.HistoryEntry;
import dev.exprun.history.HistoryOptions;
import dev.exprun.history.RunHistory;
import dev.exprun.history.RunNote;
import dev.exprun.history.RunNotes;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.tagging.BaselineTags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Repository;

/**
 * exp:report: the runs git knows (notes and exp tags, as exp:history lists them) drawn: the runs table, the metric
 * curves of the best (by the objective) or newest runs and the baseline's run overlaid (from the metrics.jsonl of
 * their run directories), each sweep's params against its objective, the exp tags as a timeline with the baseline's
 * allowed regression shaded, and a detail anchor per drawn run. Runs known from the notes alone are in the table and
 * the sweep charts; the page says that their curves are not here.
 */
public final class ExperimentReport {
    /** The default number of runs overlaid: what a palette of seven colours and a reader tell apart. */
    public static final int DEFAULT_MAX_RUNS = 7;
    /** Fields of metrics.jsonl that are no metric (exprun.log writes the wall time and the seed): charted only when named. */
    static final Set<String> NOT_METRICS = Set.of("time", "timestamp", "wall_time", "seed", "epoch");

    private final ExpLog log;

    public ExperimentReport(ExpLog log) {
        this.log = log;
    }

    /**
     * Writes outDir/index.html (format html) or one .svg per chart (format svg), and returns index.html or outDir.
     * buildDir: where the run directories are (target/exp/runs).
     */
    public Path write(Path baseDir, Path buildDir, String project, ReportOptions options, Path outDir) {
        ReportContent content = build(baseDir, buildDir, project, options);
        if (options.format() == ReportOptions.Format.SVG) {
            List<Chart> charts = content.charts();
            charts.forEach(c -> writeAtomically(outDir, c.file().replaceAll("[^A-Za-z0-9._-]", "_") + ".svg", SvgFile.standalone(c.svg())));
            log.info("Report: " + charts.size() + " chart(s) as SVG files in " + outDir + summary(content));
            return outDir;
        }
        Path index = writeAtomically(outDir, "index.html", ReportPage.page(content));
        log.info("Report: " + index + summary(content));
        return index;
    }

    /** The report as a part of another page (the Maven site's Experiments page): its style, content and script. */
    public String body(Path baseDir, Path buildDir, String project, ReportOptions options) {
        ReportContent content = build(baseDir, buildDir, project, options);
        log.info("Report: the site's Experiments page" + summary(content));
        return ReportPage.body(content);
    }

    private static String summary(ReportContent c) {
        return " (" + c.runs().size() + " run(s), " + c.curves().size() + " curve chart(s) of " + c.legend().size() + " run(s), "
                + c.sweeps().size() + " sweep(s), " + c.tags() + " exp tag(s))";
    }

    ReportContent build(Path baseDir, Path buildDir, String project, ReportOptions options) {
        RunDirs dirs = RunDirs.list(buildDir);
        try (SeriesPrefetch prefetch = SeriesPrefetch.start(dirs.runs(), dirs::metrics, options)) {
            return build(baseDir, project, options, dirs, prefetch);
        }
    }

    private ReportContent build(Path baseDir, String project, ReportOptions options, RunDirs dirs, SeriesPrefetch prefetch) {
        List<RunNote> notes;
        List<HistoryEntry> runs;
        List<TagTimeline.Milestone> milestones;
        try (Repository repo = Repositories.open(baseDir, "exp:report")) {
            Map<String, List<RunNote>> byCommit = new RunNotes(repo).readAll();
            notes = byCommit.values().stream().flatMap(List::stream).toList();
            runs = new RunHistory(repo, log).list(byCommit, new HistoryOptions(options.allRefs(), options.since(), false, null, null,
                    options.metrics(), "table"));
            milestones = TagTimeline.read(repo);
        }
        runs = runs.stream().filter(e -> options.onBranches(e.branch())).toList();
        Optional<Baseline> baseline = baseline(baseDir, options, milestones);

        List<HistoryEntry> overlaid = overlaid(runs, dirs, options);
        List<String> legend = new ArrayList<>(overlaid.stream().map(HistoryEntry::runId).toList());
        List<String> drawnIds = new ArrayList<>(legend);
        baseline.map(Baseline::runId).filter(id -> !drawnIds.contains(id) && dirs.hasSeries(id)).ifPresent(id -> {
            drawnIds.add(id);
            legend.add(id + " (baseline " + baseline.get().tag() + ")");
        });
        List<Chart> curves = curves(drawnIds, legend, prefetch, options);
        long noteOnly = runs.stream().filter(e -> e.runId() != null && !dirs.hasSeries(e.runId())).count();
        String curvesNote = (drawnIds.isEmpty() ? "No run of the table has its metric series (metrics.jsonl) in a run directory here."
                : overlaid.size() + " run(s) overlaid: " + (options.objectiveOrNull() == null ? "the newest" : "the best by " + options.objective())
                + ", up to " + options.maxRuns() + (drawnIds.size() > overlaid.size() ? ", and the baseline's run" : "") + ".")
                + (noteOnly > 0 ? " " + noteOnly + " run(s) are known from the git notes only (no run directory with metrics.jsonl here): "
                + "their final metrics are in the table, their curves are not." : "");

        Set<String> listed = runs.stream().map(HistoryEntry::runId).filter(id -> id != null).collect(Collectors.toSet());
        List<ReportContent.Sweep> sweeps = new ArrayList<>();
        String sweepsNote = sweeps(notes, listed, options, sweeps, drawnIds, dirs);

        List<Chart> timeline = new ArrayList<>();
        Set<String> tagMetrics = new LinkedHashSet<>(options.metrics());
        if (tagMetrics.isEmpty()) {
            milestones.forEach(m -> tagMetrics.addAll(m.metrics().keySet()));
        }
        Map<String, TagTimeline.Band> bands = bands(baseline, options);
        tagMetrics.forEach(metric -> {
            String svg = TagTimeline.render(metric, milestones, bands.get(metric));
            if (svg != null) {
                timeline.add(new Chart("timeline-" + metric, svg));
            }
        });
        String timelineNote = milestones.isEmpty() ? "No exp tag yet: exp:tag writes them, with the run's metrics in the annotation."
                : timeline.isEmpty() ? milestones.size() + " exp tag(s), none with a metric to draw."
                : milestones.size() + " exp tag(s), oldest first, with the metrics of their annotations" + baseline.map(b -> "; the baseline is "
                + b.tag() + (bands.values().stream().anyMatch(band -> band.limit() != null) ? ", its allowed regression shaded" : "")).orElse("") + ".";

        List<ReportContent.Detail> details = new ArrayList<>();
        for (String id : drawnIds) {
            if (dirs.hasRecord(id)) {
                details.add(new ReportContent.Detail(dirs.record(id), notes.stream().filter(n -> id.equals(n.reproduces())).toList()));
            }
        }
        return new ReportContent(project, runs, columns(runs, options.metrics()), curves, legend, curvesNote, sweeps, sweepsNote,
                timeline, milestones.size(), timelineNote, details);
    }

    /** One chart per metric, the drawn runs' series overlaid in legend order. */
    private List<Chart> curves(List<String> drawnIds, List<String> legend, SeriesPrefetch prefetch, ReportOptions options) {
        Map<String, List<SvgChart.Curve>> byMetric = new LinkedHashMap<>();
        options.metrics().forEach(m -> byMetric.put(m, new ArrayList<>()));
        for (int i = 0; i < drawnIds.size(); i++) {
            String id = drawnIds.get(i);
            String name = legend.get(i);
            int colour = i;
            Map<String, MetricSeries> series;
            try {
                series = prefetch.series(id);
            } catch (IOException ex) {
                log.warn("exp:report: cannot read the metrics of run " + id + " (" + ex.getMessage() + "); its curves are left out");
                continue;
            }
            series.forEach((metric, s) -> {
                if (options.metrics().isEmpty() ? !NOT_METRICS.contains(metric) : options.metrics().contains(metric)) {
                    byMetric.computeIfAbsent(metric, k -> new ArrayList<>()).add(new SvgChart.Curve(name, s, colour));
                }
            });
        }
        List<Chart> charts = new ArrayList<>();
        byMetric.forEach((metric, curves) -> {
            if (!curves.isEmpty()) {
                charts.add(new Chart("curves-" + metric, SvgChart.render(metric, curves)));
            }
        });
        return charts;
    }

    /**
     * Per sweep with a trial in the table: its charts (into sweeps), its best run among the drawn details; returns the
     * section's note. A trial tried more than once counts with its newest attempt.
     */
    private String sweeps(List<RunNote> notes, Set<String> listed, ReportOptions options, List<ReportContent.Sweep> sweeps,
                          List<String> drawnIds, RunDirs dirs) {
        Map<String, Map<String, RunNote>> bySweep = new LinkedHashMap<>();
        notes.stream().filter(n -> n.sweep() != null && listed.contains(n.runId()))
                .sorted(Comparator.comparing(n -> n.startedAt() == null ? "" : n.startedAt()))
                .forEach(n -> bySweep.computeIfAbsent(n.sweep(), k -> new LinkedHashMap<>()).put(n.trial() == null ? n.runId() : n.trial(), n));
        if (bySweep.isEmpty()) {
            return "No sweep among these runs: exp:sweep runs them, a trial per point of the search space.";
        }
        List<String> unjudged = new ArrayList<>();
        bySweep.forEach((id, byTrial) -> {
            List<RunNote> trials = List.copyOf(byTrial.values());
            String objective = options.objectiveOrNull() != null ? options.objectiveOrNull() : guessObjective(trials, options);
            if (objective == null) {
                unjudged.add(id);
                return;
            }
            MetricDirection direction = MetricDirection.of(objective, options.higherIsBetter(), options.lowerIsBetter());
            List<SweepCharts.Trial> points = trials.stream().map(n -> new SweepCharts.Trial(n.runId(), n.trial(),
                    n.params() == null ? Map.of() : n.params(), n.metrics() == null ? null : n.metrics().get(objective))).toList();
            SweepCharts.Trial best = SweepCharts.best(points, direction);
            List<Chart> charts = SweepCharts.render(id, points, objective, best);
            String note = trials.size() + " trial(s) by " + objective + " (" + (direction == MetricDirection.HIGHER_IS_BETTER ? "higher" : "lower")
                    + " is better)" + (best == null ? "; no trial has a value of it yet." : "; the best is " + (best.trial() == null ? "" : best.trial() + ", ")
                    + "run " + best.runId() + ": " + objective + " " + SvgChart.label(best.objective()) + ", params " + best.params() + ".");
            if (best != null && !drawnIds.contains(best.runId()) && dirs.hasRecord(best.runId())) {
                drawnIds.add(best.runId());
            }
            sweeps.add(new ReportContent.Sweep(id, note, charts));
        });
        return bySweep.size() + " sweep(s)" + (unjudged.isEmpty() ? "." : "; not drawn, since no metric of theirs says which way is better: "
                + String.join(", ", unjudged) + " (set -Dexp.objective).");
    }

    /** Without an objective: the first metric of the trials (by name) whose name says which way is better. */
    private static String guessObjective(List<RunNote> trials, ReportOptions options) {
        return MetricDirection.guessObjective(trials.stream().flatMap(n -> n.metrics() == null ? Stream.<String>empty()
                : n.metrics().keySet().stream()).toList(), options.higherIsBetter(), options.lowerIsBetter());
    }

    /**
     * The baseline tag: the one named, else the newest exp tag reachable from HEAD (none: no baseline drawn). A name
     * that is no exp tag is refused as exp:verify refuses it.
     */
    private static Optional<Baseline> baseline(Path baseDir, ReportOptions options, List<TagTimeline.Milestone> milestones) {
        boolean named = options.baseline() != null && !options.baseline().isBlank();
        if (!named && milestones.isEmpty()) {
            return Optional.empty();
        }
        return BaselineTags.find(baseDir, named ? options.baseline() : BaselineTags.LATEST);
    }

    /** Per metric of the baseline: its value, and with a maxRegression the worst value exp:verify would pass. */
    private static Map<String, TagTimeline.Band> bands(Optional<Baseline> baseline, ReportOptions options) {
        Map<String, TagTimeline.Band> bands = new LinkedHashMap<>();
        if (baseline.isEmpty()) {
            return bands;
        }
        Baseline b = baseline.get();
        b.metrics().forEach((metric, value) -> {
            if (value != null && Double.isFinite(value)) {
                bands.put(metric, new TagTimeline.Band(b.tag(), value, null, true));
            }
        });
        for (Gate g : RegressionGates.derive(b, options.maxRegression(), options.higherIsBetter(), options.lowerIsBetter())) {
            bands.put(g.metric(), new TagTimeline.Band(b.tag(), b.metrics().get(g.metric()), g.threshold(),
                    MetricDirection.of(g.metric(), options.higherIsBetter(), options.lowerIsBetter()) == MetricDirection.HIGHER_IS_BETTER));
        }
        return bands;
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
    private static List<HistoryEntry> overlaid(List<HistoryEntry> runs, RunDirs dirs, ReportOptions options) {
        List<HistoryEntry> candidates = runs.stream()
                .filter(e -> e.runId() != null && e.cachedFrom() == null && dirs.hasSeries(e.runId())).toList();
        String objective = options.objectiveOrNull();
        if (objective != null) {
            MetricDirection direction = MetricDirection.of(objective, options.higherIsBetter(), options.lowerIsBetter());
            Comparator<HistoryEntry> best = Comparator.comparing(e -> e.metrics().get(objective));
            candidates = candidates.stream().filter(e -> e.metrics().get(objective) != null && Double.isFinite(e.metrics().get(objective)))
                    .sorted(direction == MetricDirection.HIGHER_IS_BETTER ? best.reversed() : best).toList();
        }
        return candidates.stream().limit(Math.max(1, options.maxRuns())).toList();
    }

    private static Path writeAtomically(Path dir, String name, String text) {
        Path file = dir.resolve(name);
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(name + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new ExpError("Cannot write the report " + file + ": " + e.getMessage(), "check that " + dir + " is writable", e);
        }
    }

    /**
     * The run directories exp:run leaves under the build directory: target/exp/runs/RUN/{run.json,out/metrics.jsonl},
     * listed once: the table asks about each of its rows (10,000 in a long history), the directory holds a few.
     */
    private record RunDirs(Path runs, Set<String> withRecord, Set<String> withSeries) {
        static RunDirs list(Path buildDir) {
            Path runs = buildDir.resolve("exp").resolve("runs");
            Set<String> withRecord = new HashSet<>();
            Set<String> withSeries = new HashSet<>();
            try (Stream<Path> dirs = Files.list(runs)) {
                dirs.filter(d -> Files.isRegularFile(d.resolve("run.json"))).forEach(d -> {
                    String id = d.getFileName().toString();
                    withRecord.add(id);
                    if (Files.isRegularFile(d.resolve("out").resolve("metrics.jsonl"))) {
                        withSeries.add(id);
                    }
                });
            } catch (NoSuchFileException e) {
                // no run here yet: the table and the notes still draw
            } catch (IOException e) {
                throw new ExpError("Cannot list the run directories in " + runs + ": " + e.getMessage(), "check that " + runs + " is readable", e);
            }
            return new RunDirs(runs, withRecord, withSeries);
        }

        Path metrics(String runId) {
            return runs.resolve(runId).resolve("out").resolve("metrics.jsonl");
        }

        boolean hasRecord(String runId) {
            return withRecord.contains(runId);
        }

        boolean hasSeries(String runId) {
            return withSeries.contains(runId);
        }

        RunRecord record(String runId) {
            return RecordJson.read(runs.resolve(runId).resolve("run.json"), RunRecord.class);
        }
    }
}
