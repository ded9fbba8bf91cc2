package dev.exprun.gate;

import dev.exprun.core.ExpError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A metric gate such as {@code val_acc >= 0.93}. basis says where a derived threshold came from
 * ({@code baseline v1.0-prod-ready 0.932 - 0.005}); it is null for gates written by the user.
 */
public record Gate(String metric, Operator operator, double threshold, String basis) {
    // Two-character operators first, so ">=" is not read as ">" followed by "=0.93".
    private static final Pattern FORM = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_.\\-/]*)\\s*(>=|<=|==|!=|>|<)\\s*(\\S+)\\s*");

    public static Gate parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new ExpError("The gate '" + text + "' is not of the form <metric> <operator> <number>.",
                    "write gates like <gate>val_acc &gt;= 0.93</gate> or -Dexp.gates=\"val_acc>=0.93,loss<=0.2\"; operators: >= > <= < == !=");
        }
        double threshold;
        try {
            threshold = Double.parseDouble(m.group(3));
        } catch (NumberFormatException e) {
            throw new ExpError("The threshold '" + m.group(3) + "' in the gate '" + text.trim() + "' is not a number.",
                    "use a number, e.g. val_acc >= 0.93");
        }
        return new Gate(m.group(1), symbol(m.group(2)), threshold, null);
    }

    /** The POM's gates, then the comma-separated ones of -Dexp.gates. */
    public static List<Gate> parseAll(List<String> fromPom, String fromProperty) {
        List<Gate> gates = new ArrayList<>();
        if (fromPom != null) {
            fromPom.stream().filter(g -> g != null && !g.isBlank()).map(Gate::parse).forEach(gates::add);
        }
        if (fromProperty != null && !fromProperty.isBlank()) {
            for (String part : fromProperty.split(",")) {
                if (!part.isBlank()) {
                    gates.add(parse(part));
                }
            }
        }
        return gates;
    }

    private static Operator symbol(String s) {
        for (Operator o : Operator.values()) {
            if (o.symbol().equals(s)) {
                return o;
            }
        }
        throw new IllegalStateException("the pattern only matches known operators: " + s);
    }

    /** "val_acc >= 0.93" */
    public String condition() {
        return metric + " " + operator.symbol() + " " + format(threshold);
    }

    /** The condition and, for derived gates, where its threshold came from. */
    public String describe() {
        return basis == null ? condition() : condition() + " (" + basis + ")";
    }

    static String format(double value) {
        return value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 1e15
                ? String.valueOf((long) value) : String.valueOf(value);
    }
}
