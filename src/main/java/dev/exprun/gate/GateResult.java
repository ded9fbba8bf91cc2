package dev.exprun.gate;

/** One gate checked against a run's metrics; actual is null when the run has no such metric. */
public record GateResult(Gate gate, Double actual, boolean passed) {
    public String verdict() {
        if (actual == null) {
            return "FAIL (missing)";
        }
        return passed ? "PASS" : "FAIL";
    }
}
