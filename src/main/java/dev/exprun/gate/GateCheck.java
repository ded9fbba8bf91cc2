package dev.exprun.gate;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpFailure;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * exp:verify: every gate against the metrics of the build's run. A metric missing from the run is a
 * failed gate, never a pass; every failed gate is listed, not only the first.
 */
public final class GateCheck {
    private GateCheck() {
    }

    public static List<GateResult> evaluate(List<Gate> gates, Map<String, Double> metrics) {
        List<GateResult> results = new ArrayList<>();
        for (Gate gate : gates) {
            Double actual = metrics == null ? null : metrics.get(gate.metric());
            results.add(new GateResult(gate, actual, actual != null && gate.operator().test(actual, gate.threshold())));
        }
        return results;
    }

    /** The run to judge: the record this build wrote, else target/exp/last-run.json. */
    public static RunRecord readRun(Path record) {
        if (!Files.isRegularFile(record)) {
            throw new ExpError("There is no run record to verify at " + record + ".",
                    "run exp:run in the same build first (mvn exp:run exp:verify), or bind exp:run to the package phase");
        }
        RunRecord run = RecordJson.read(record, RunRecord.class);
        if (run.status() != RunStatus.SUCCEEDED) {
            throw new ExpFailure("Run " + run.runId() + " did not succeed (status " + run.status().json() + "); its metrics are not verified.",
                    "fix the training run first");
        }
        return run;
    }

    /** Aligned rows: metric, actual, condition, verdict. */
    public static List<String> table(List<GateResult> results) {
        int m = Math.max("METRIC".length(), results.stream().mapToInt(r -> r.gate().metric().length()).max().orElse(0));
        int a = Math.max("ACTUAL".length(), results.stream().mapToInt(r -> actual(r).length()).max().orElse(0));
        int c = Math.max("CONDITION".length(), results.stream().mapToInt(r -> r.gate().describe().length()).max().orElse(0));
        List<String> lines = new ArrayList<>();
        lines.add(pad("METRIC", m) + "  " + pad("ACTUAL", a) + "  " + pad("CONDITION", c) + "  VERDICT");
        for (GateResult r : results) {
            lines.add(pad(r.gate().metric(), m) + "  " + pad(actual(r), a) + "  " + pad(r.gate().describe(), c) + "  " + r.verdict());
        }
        return lines;
    }

    /** BUILD FAILURE listing every failed gate; a gate on a missing metric lists the metrics the run has (metrics may be null). */
    public static void requirePassed(String runId, Map<String, Double> metrics, List<GateResult> results) {
        List<GateResult> failed = results.stream().filter(r -> !r.passed()).toList();
        if (failed.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder(failed.size() + " of " + results.size() + " metric gate(s) failed for run " + runId + ":");
        for (GateResult r : failed) {
            message.append("\n  ").append(r.gate().describe()).append(": ")
                    .append(r.actual() == null ? "the run has no metric '" + r.gate().metric() + "' (" + has(metrics) + ")" : "actual " + actual(r));
        }
        throw new ExpFailure(message.toString(), "improve the model, or change the gates (<gates>, -Dexp.gates; <maxRegression>, -Dexp.maxRegression) if they are wrong");
    }

    private static String has(Map<String, Double> metrics) {
        return metrics == null || metrics.isEmpty() ? "it has no metrics at all" : "it has " + String.join(", ", metrics.keySet());
    }

    private static String actual(GateResult r) {
        return r.actual() == null ? "-" : String.valueOf(r.actual());
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}
