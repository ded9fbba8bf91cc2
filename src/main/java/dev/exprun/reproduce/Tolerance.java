package dev.exprun.reproduce;

import dev.exprun.core.ExpError;
import java.util.Locale;

/**
 * How far a reproduced metric may be from the recorded one: within {@code abs} absolutely or within
 * {@code rel} of the recorded value. NaN matches only NaN. Written {@code abs=1e-6,rel=1e-4}.
 */
public record Tolerance(double abs, double rel) {
    public static final String DEFAULT = "abs=1e-9,rel=1e-6";

    public static Tolerance parse(String text, String where) {
        double abs = 0;
        double rel = 0;
        for (String part : (text == null || text.isBlank() ? DEFAULT : text).split(",")) {
            String[] kv = part.trim().split("=", 2);
            try {
                double v = kv.length == 2 ? Double.parseDouble(kv[1].trim()) : Double.NaN;
                if (kv.length == 2 && kv[0].trim().equals("abs") && v >= 0) {
                    abs = v;
                    continue;
                }
                if (kv.length == 2 && kv[0].trim().equals("rel") && v >= 0) {
                    rel = v;
                    continue;
                }
            } catch (NumberFormatException e) {
                // reported below with the value
            }
            throw new ExpError("The tolerance '" + text + "' (" + where + ") is not of the form abs=<number>,rel=<number>.",
                    "write e.g. -Dexp.tolerance=\"abs=1e-6,rel=1e-4\" or <tolerances><val_acc>abs=0.01</val_acc></tolerances>");
        }
        return new Tolerance(abs, rel);
    }

    public boolean within(double recorded, double now) {
        if (Double.isNaN(recorded) || Double.isNaN(now)) {
            return Double.isNaN(recorded) && Double.isNaN(now);
        }
        if (Double.isInfinite(recorded) || Double.isInfinite(now)) {
            return recorded == now;
        }
        double delta = Math.abs(now - recorded);
        return delta <= abs || delta <= rel * Math.abs(recorded);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "abs %s, rel %s", abs, rel);
    }
}
