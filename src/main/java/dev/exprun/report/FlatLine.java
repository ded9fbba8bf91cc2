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
                Double v = number(token);
                if (v == null && !token.equals("true") && !token.equals("false") && !token.equals("null")) {
                    v = special(token);
                    if (v == null) {
                        try {
                            v = Double.parseDouble(token);
                        } catch (NumberFormatException e) {
                            return false;
                        }
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

    /**
     * A plain decimal ({@code -12.5}, {@code 0.0012}, {@code 3e-4}) of at most 15 digits and a power of ten up to 22:
     * exact as digits / 10^k in double arithmetic (both are exact doubles, and one division rounds correctly).
     * Null for anything else, which Double.parseDouble then reads.
     */
    static Double number(String t) {
        int i = 0;
        int n = t.length();
        boolean negative = i < n && t.charAt(i) == '-';
        if (negative) {
            i++;
        }
        long digits = 0;
        int count = 0;
        int scale = 0;
        boolean point = false;
        for (; i < n; i++) {
            char c = t.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++count > 15) {
                    return null;
                }
                digits = digits * 10 + (c - '0');
                scale += point ? 1 : 0;
            } else if (c == '.' && !point) {
                point = true;
            } else {
                break;
            }
        }
        if (count == 0) {
            return null;
        }
        if (i < n) {
            if ((t.charAt(i) != 'e' && t.charAt(i) != 'E') || i + 1 >= n) {
                return null;
            }
            int exp;
            try {
                exp = Integer.parseInt(t, i + 1 + (t.charAt(i + 1) == '+' ? 1 : 0), n, 10);
            } catch (NumberFormatException e) {
                return null;
            }
            scale -= exp;
        }
        if (scale < -22 || scale > 22) {
            return null;
        }
        double v = scale >= 0 ? digits / POWERS[scale] : digits * POWERS[-scale];
        return negative ? -v : v;
    }

    private static final double[] POWERS = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

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
