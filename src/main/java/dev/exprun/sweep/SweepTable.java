package dev.exprun.sweep;

import dev.exprun.core.TextTable;
import dev.exprun.sweep.SweepRecord.Trial;
import dev.exprun.sweep.SweepRecord.TrialStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** The final table: trials sorted by the objective (best first, marked *), then the rest by trial number. */
final class SweepTable {
    private SweepTable() {
    }

    static List<String> lines(SweepRecord record) {
        SweepRecord.Objective objective = record.objective();
        Set<String> params = new LinkedHashSet<>();
        record.trials().forEach(t -> params.addAll(t.params().keySet()));
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("", "trial", "status"));
        if (objective != null) {
            header.add(objective.metric());
        }
        // a param named like the objective metric (a stand-in script's val_acc) gets its kind said
        params.forEach(p -> header.add(objective != null && p.equals(objective.metric()) ? "param " + p : p));
        header.addAll(List.of("gpus", "run"));
        rows.add(header);
        for (Trial t : sorted(record)) {
            List<String> row = new ArrayList<>(List.of(t.trial().equals(record.best()) ? "*" : "", t.trial(), t.status().json()));
            if (objective != null) {
                row.add(SweepBoard.format(t.metrics() == null ? null : t.metrics().get(objective.metric())));
            }
            params.forEach(p -> row.add(Objects.toString(t.params().get(p), "")));
            row.add(t.gpus().isEmpty() ? "-" : String.join(",", t.gpus()));
            row.add(t.runId() == null ? "-" : t.runId() + (t.reusedFrom() != null ? " (reused)" : ""));
            rows.add(row);
        }
        List<String> lines = new ArrayList<>();
        lines.add("Sweep " + record.sweepId() + (objective == null ? " (no objective)" : " by " + objective.metric() + " ("
                + objective.direction().replace('-', ' ') + ")") + ":");
        lines.addAll(TextTable.align(rows, "  "));
        return lines;
    }

    private static List<Trial> sorted(SweepRecord record) {
        SweepRecord.Objective objective = record.objective();
        Comparator<Trial> byNumber = Comparator.comparingInt(Trial::number);
        if (objective == null) {
            return record.trials().stream().sorted(byNumber).toList();
        }
        boolean higher = objective.direction().equals("higher-is-better");
        Comparator<Trial> byValue = Comparator.comparingDouble(t -> value(t, objective.metric(), higher));
        return record.trials().stream().sorted(Comparator.comparing((Trial t) -> !scored(t, objective.metric()))
                .thenComparing(byValue).thenComparing(byNumber)).toList();
    }

    private static boolean scored(Trial t, String metric) {
        return t.status() == TrialStatus.SUCCEEDED && t.metrics() != null && t.metrics().get(metric) != null
                && !t.metrics().get(metric).isNaN();
    }

    /** Best first: higher-is-better values are negated. */
    private static double value(Trial t, String metric, boolean higher) {
        if (!scored(t, metric)) {
            return 0;
        }
        double v = t.metrics().get(metric);
        return higher ? -v : v;
    }
}
