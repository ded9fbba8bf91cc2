package dev.exprun.sweep;

import dev.exprun.core.TextTable;
import dev.exprun.sweep.SweepRecord.Trial;
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
        Comparator<Trial> bestFirst = objective.bestFirst();
        return record.trials().stream().sorted((a, b) -> {
            boolean scoresA = objective.scores(a);
            if (scoresA != objective.scores(b)) {
                return scoresA ? -1 : 1; // trials with a score first
            }
            return scoresA ? bestFirst.compare(a, b) : byNumber.compare(a, b);
        }).toList();
    }
}
