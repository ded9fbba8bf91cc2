package dev.exprun.sweep;

import dev.exprun.core.ExpError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one sweep syntax, for -Dexp.sweep, the POM and trials alike: params separated by ';', values by ','.
 * A spec is a comma list or one call: uniform(lo,hi), loguniform(lo,hi), int(lo,hi), choice(a,b,...).
 */
final class SpaceSyntax {
    static final String SPACE = "<sweep><grid>, <sweep><random> or -Dexp.sweep";
    static final String TRIALS = "<sweep><trials><trial> or -Dexp.trials";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
    private static final Pattern CALL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*\\((.*)\\)");

    private SpaceSyntax() {
    }

    /** {@code lr=0.1,0.01;hidden=64,128}. */
    static List<Dimension> line(String line) {
        List<Dimension> dimensions = new ArrayList<>();
        for (String part : params(line)) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new ExpError("The sweep dimension '" + part + "' has no '='.",
                        "write each dimension as name=values, e.g. -Dexp.sweep=\"lr=0.1,0.01;hidden=64,128\","
                                + " or in the POM as <sweep><grid><lr>0.1,0.01</lr></grid>");
            }
            dimensions.add(dimension(part.substring(0, eq), part.substring(eq + 1)));
        }
        return dimensions;
    }

    static Dimension dimension(String rawName, String rawSpec) {
        String name = name(rawName, SPACE);
        String spec = rawSpec == null ? "" : rawSpec.trim();
        String text = name + "=" + spec;
        String listFix = "give '" + name + "' values separated by commas, e.g. " + name + "=0.1,0.01, in " + SPACE;
        if (spec.isEmpty()) {
            throw new ExpError("The sweep dimension '" + text + "' has no values.", listFix);
        }
        Matcher call = CALL.matcher(spec);
        if (call.matches()) {
            return Dimension.drawn(name, Distribution.parse(name, call.group(1), split(call.group(2)), spec));
        }
        if (spec.indexOf('(') >= 0 || spec.indexOf(')') >= 0) {
            throw new ExpError("The sweep dimension '" + text + "' is neither a list of values nor one distribution.",
                    Distribution.FIX);
        }
        List<String> values = split(spec);
        if (values.contains("")) {
            throw new ExpError("The sweep dimension '" + text + "' has an empty value.", listFix);
        }
        for (String value : values) {
            noEquals(value, name, SPACE);
        }
        return Dimension.listed(name, values);
    }

    /** One trial, {@code lr=0.1;hidden=64}: each param gets exactly one fixed value. */
    static Map<String, String> trial(int number, String trial) {
        String text = trial == null ? "" : trial.trim();
        List<String> parts = params(text);
        if (parts.isEmpty()) {
            throw new ExpError("Trial " + number + " of the sweep is empty.",
                    "write each trial as name=value;name=value, e.g. lr=0.1;hidden=64, in " + TRIALS
                            + " (trials separated by |)");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String part : parts) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new ExpError("The trial '" + text + "' has '" + part + "' without '='.",
                        "write each trial as name=value;name=value, e.g. lr=0.1;hidden=64, in " + TRIALS);
            }
            String name = name(part.substring(0, eq), TRIALS);
            String value = part.substring(eq + 1).trim();
            if (params.containsKey(name)) {
                throw new ExpError("The trial '" + text + "' gives '" + name + "' twice.",
                        "give each param once per trial in " + TRIALS);
            }
            params.put(name, value(text, name, value));
        }
        return params;
    }

    private static String value(String trial, String name, String value) {
        String fix = "give each param one fixed value, e.g. " + name + "=0.1, in " + TRIALS
                + "; put lists and distributions in <sweep><grid>, <sweep><random> or -Dexp.sweep";
        if (value.isEmpty()) {
            throw new ExpError("The trial '" + trial + "' gives '" + name + "' no value.", fix);
        }
        if (CALL.matcher(value).matches()) {
            throw new ExpError("The trial '" + trial + "' draws '" + name + "' from '" + value
                    + "', but a trial gives fixed values.", fix);
        }
        if (value.indexOf(',') >= 0) {
            throw new ExpError("The trial '" + trial + "' gives '" + name + "' more than one value ('" + value + "').",
                    fix);
        }
        noEquals(value, name, TRIALS);
        return value;
    }

    /** "lr=0.1,hidden=64" is a ',' typed for a ';'; taking "hidden=64" as a value would run the wrong sweep. */
    private static void noEquals(String value, String name, String where) {
        if (value.indexOf('=') >= 0) {
            throw new ExpError("The value '" + value + "' of '" + name + "' contains '='.",
                    "separate params with ';', e.g. lr=0.1;hidden=64, in " + where);
        }
    }

    private static String name(String raw, String where) {
        String name = raw.trim();
        if (!NAME.matcher(name).matches()) {
            throw new ExpError("The param name '" + name + "' in the sweep is not valid.",
                    "start param names with a letter or _ and use only letters, digits, _, . and -, in " + where);
        }
        return name;
    }

    /** Blank pieces (a trailing or doubled ';') are skipped: they name no param, so nothing is lost. */
    private static List<String> params(String text) {
        List<String> parts = new ArrayList<>();
        for (String part : text.split(";")) {
            if (!part.isBlank()) {
                parts.add(part.trim());
            }
        }
        return parts;
    }

    private static List<String> split(String list) {
        if (list.isBlank()) {
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (String value : list.split(",", -1)) {
            values.add(value.trim());
        }
        return values;
    }
}
