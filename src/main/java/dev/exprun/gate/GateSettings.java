package dev.exprun.gate;

import dev.exprun.core.ExpError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gates as configured: fixed thresholds, and regressions allowed against a baseline tag.
 * The -D forms add to the POM's (and win for the same metric), as {@code -Dexp.gates} does.
 */
public record GateSettings(List<String> gates, String gatesLine, String baseline, Map<String, String> maxRegression,
                           String maxRegressionLine, List<String> higherIsBetter, List<String> lowerIsBetter) {

    public boolean hasBaseline() {
        return baseline != null && !baseline.isBlank();
    }

    /** {@code <maxRegression>} merged with {@code -Dexp.maxRegression="val_acc=0.005,loss=0.01"}. */
    public Map<String, String> maxRegressions() {
        Map<String, String> merged = new LinkedHashMap<>(maxRegression == null ? Map.of() : maxRegression);
        if (maxRegressionLine != null && !maxRegressionLine.isBlank()) {
            for (String part : maxRegressionLine.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw new ExpError("The allowed regression '" + part.trim() + "' is not of the form <metric>=<amount>.",
                            "write -Dexp.maxRegression=\"val_acc=0.005,loss=0.01\"");
                }
                merged.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        return merged;
    }

    public List<String> higher() {
        return higherIsBetter == null ? List.of() : trimmed(higherIsBetter);
    }

    public List<String> lower() {
        return lowerIsBetter == null ? List.of() : trimmed(lowerIsBetter);
    }

    /** Baseline and allowed regressions only make sense together; one without the other is a mistake. */
    public void requireConsistent() {
        if (hasBaseline() && maxRegressions().isEmpty()) {
            throw new ExpError("A <baseline> (" + baseline.trim() + ") is set but no metric has a <maxRegression>, so nothing is compared.",
                    "add <maxRegression><val_acc>0.005</val_acc></maxRegression> (or -Dexp.maxRegression=val_acc=0.005), or remove <baseline>");
        }
        if (!hasBaseline() && !maxRegressions().isEmpty()) {
            throw new ExpError("<maxRegression> " + maxRegressions() + " is set but there is no <baseline> to compare with.",
                    "add <baseline>latest</baseline> (the newest exp tag reachable from HEAD) or a tag name, e.g. -Dexp.baseline=v2.7-prod-ready");
        }
    }

    private static List<String> trimmed(List<String> names) {
        List<String> out = new ArrayList<>();
        names.stream().filter(n -> n != null && !n.isBlank()).map(String::trim).forEach(out::add);
        return out;
    }
}
