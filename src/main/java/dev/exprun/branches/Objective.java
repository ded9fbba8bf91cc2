package dev.exprun.branches;

import dev.exprun.gate.MetricDirection;
import dev.exprun.history.RunNote;
import dev.exprun.record.RunStatus;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The metric that picks a branch's best run, and which way it improves. Configured, or else the first metric of the runs
 * whose name says its direction (val_acc, loss); with none, the best run is the newest successful one.
 */
public record Objective(String metric, MetricDirection direction) {

    /**
     * null when the runs have no metric whose name says which way is better and none is configured. metricNames is only
     * asked for without a configured objective (it goes over every run).
     */
    public static Objective resolve(String configured, Supplier<Collection<String>> metricNames, List<String> higherIsBetter,
            List<String> lowerIsBetter) {
        String metric = configured != null && !configured.isBlank() ? configured.trim()
                : MetricDirection.guessObjective(metricNames.get(), higherIsBetter, lowerIsBetter);
        return metric == null ? null : new Objective(metric, MetricDirection.of(metric, higherIsBetter, lowerIsBetter));
    }

    /** higher-is-better or lower-is-better, as sweep records write it. */
    public String directionText() {
        return direction == MetricDirection.HIGHER_IS_BETTER ? "higher-is-better" : "lower-is-better";
    }

    /** {metric, direction}, in that order, as the board's JSON and an archive tag's block carry it. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("metric", metric);
        m.put("direction", directionText());
        return m;
    }

    /** A successful run's finite value of the metric; empty for a failed run or a missing, NaN or infinite value. */
    public Optional<Double> valueOf(RunNote run) {
        if (!RunStatus.SUCCEEDED.json().equals(run.status()) || run.metrics() == null) {
            return Optional.empty();
        }
        Double v = run.metrics().get(metric);
        return v == null || !Double.isFinite(v) ? Optional.empty() : Optional.of(v);
    }

    /** Of two values, the better one first. */
    public Comparator<Double> better() {
        return direction == MetricDirection.HIGHER_IS_BETTER ? Comparator.reverseOrder() : Comparator.naturalOrder();
    }

    /** The best run: the best value of the metric (the newer on a tie); without an objective, the newest successful run. */
    public static Optional<RunNote> best(List<RunNote> runs, Objective objective) {
        Comparator<RunNote> newest = Comparator.comparing((RunNote r) -> r.startedAt() == null ? "" : r.startedAt()).reversed();
        if (objective == null) {
            return runs.stream().filter(r -> RunStatus.SUCCEEDED.json().equals(r.status())).min(newest);
        }
        return runs.stream().filter(r -> objective.valueOf(r).isPresent())
                .min(Comparator.comparing((RunNote r) -> objective.valueOf(r).orElseThrow(), objective.better()).thenComparing(newest));
    }

    static Map<String, Double> metricsOf(RunNote run) {
        return run == null || run.metrics() == null ? Map.of() : run.metrics();
    }
}
