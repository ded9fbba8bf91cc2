package dev.exprun.gate;

import dev.exprun.core.ExpError;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Turns {@code <maxRegression><val_acc>0.005</val_acc></maxRegression>} and a baseline into plain gates:
 * val_acc may fall at most 0.005 below the baseline's, loss may rise at most that much above it.
 */
public final class RegressionGates {
    private RegressionGates() {
    }

    public static List<Gate> derive(Baseline baseline, Map<String, String> maxRegression,
                                    Collection<String> higherIsBetter, Collection<String> lowerIsBetter) {
        List<Gate> gates = new ArrayList<>();
        maxRegression.forEach((metric, allowedText) -> {
            BigDecimal allowed = allowance(metric, allowedText);
            MetricDirection direction = MetricDirection.of(metric, higherIsBetter, lowerIsBetter);
            Double base = baseline.metrics().get(metric);
            if (base == null || base.isNaN() || base.isInfinite()) {
                throw new ExpError("The baseline " + baseline.tag() + " (run " + baseline.runId() + ") has no usable value for '" + metric
                        + "'; its metrics are " + baseline.metrics().keySet() + ".",
                        "remove " + metric + " from <maxRegression>, or compare against another tag with <baseline>");
            }
            // Decimal arithmetic: 0.932 - 0.005 must be 0.927, not 0.9270000000000001, or an equal result would fail.
            BigDecimal b = new BigDecimal(Double.toString(base));
            boolean higher = direction == MetricDirection.HIGHER_IS_BETTER;
            double threshold = (higher ? b.subtract(allowed) : b.add(allowed)).doubleValue();
            String basis = "baseline " + baseline.tag() + " " + Gate.format(base) + (higher ? " - " : " + ") + allowed.toPlainString();
            gates.add(new Gate(metric, higher ? Operator.GE : Operator.LE, threshold, basis));
        });
        return gates;
    }

    private static BigDecimal allowance(String metric, String text) {
        try {
            BigDecimal value = new BigDecimal(text == null ? "" : text.trim());
            if (value.signum() >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the value and the fix
        }
        throw new ExpError("The allowed regression '" + text + "' for '" + metric + "' is not a number >= 0.",
                "write <maxRegression><" + metric + ">0.005</" + metric + "></maxRegression> or -Dexp.maxRegression=" + metric + "=0.005");
    }
}
