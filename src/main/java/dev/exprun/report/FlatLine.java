package dev.exprun.report;

import java.util.Map;

/**
 * The common line of metrics.jsonl, a flat object of numbers ({@code {"step": 3, "loss": 0.25, "phase": "train"}}),
 * scanned by hand: a report reads a few hundred thousand lines per run, in a JVM that has not warmed up, where a
 * general parser costs about ten times as much. Anything else (nesting, escapes, a cut line) is left to Jackson.
 */
final class FlatLine {
    private final String s;
    private int i;

    private FlatLine(String s) {
        this.s = s;
    }

    /** The line's numeric fields into values (cleared first); false when the line is not of this simple form. */
    static boolean scan(String text, Map<String, Double> values) {
        values.clear();
        return new FlatLine(text).object(values);
    }

    private boolean object(Map<String, Double> values) {
        if (!skipTo('{')) {
            return false;
        }
        ws();
        if (peek() == '}') {
            i++;
            return rest();
        }
        while (true) {
            ws();
            if (peek() != '"') {
                return false;
            }
            String name = string();
            if (name == null || !skipTo(':')) {
                return false;
            }
            ws();
            char c = peek();
            if (c == '"') {
                String v = string();
                if (v == null) {
                    return false;
                }
                Double special = special(v);
                if (special != null) {
                    values.put(name, special);
                }
            } else {
                int start = i;
                while (i < s.length() && ",} \t\r".indexOf(s.charAt(i)) < 0) {
                    i++;
                }
                String token = s.substring(start, i);
                if (token.isEmpty() || token.charAt(0) == '{' || token.charAt(0) == '[') {
                    return false;
                }
                Double v = special(token);
                if (v == null && !token.equals("true") && !token.equals("false") && !token.equals("null")) {
                    try {
                        v = Double.parseDouble(token);
                    } catch (NumberFormatException e) {
                        return false;
                    }
                }
                if (v != null) {
                    values.put(name, v);
                }
            }
            ws();
            char next = peek();
            i++;
            if (next == '}') {
                return rest();
            }
            if (next != ',') {
                return false;
            }
        }
    }

    static Double special(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> null;
        };
    }

    /** A string without escapes (an escape: null, so Jackson reads the line). */
    private String string() {
        int start = ++i;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                return null;
            }
            if (c == '"') {
                return s.substring(start, i++);
            }
            i++;
        }
        return null;
    }

    private boolean skipTo(char expected) {
        ws();
        if (peek() != expected) {
            return false;
        }
        i++;
        return true;
    }

    private boolean rest() {
        ws();
        return i == s.length();
    }

    private void ws() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }
}
