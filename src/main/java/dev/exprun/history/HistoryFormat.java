package dev.exprun.history;

import dev.exprun.core.ExpError;
import dev.exprun.core.TextTable;
import dev.exprun.record.RecordJson;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** exp:history's output: an aligned table, JSON (one array) or CSV, with the chosen metric columns. */
public final class HistoryFormat {
    private static final int DEFAULT_METRIC_COLUMNS = 4;

    private HistoryFormat() {
    }

    public static List<String> render(List<HistoryEntry> entries, List<String> metrics, String format) {
        List<String> columns = metrics == null || metrics.isEmpty() ? defaultMetrics(entries) : metrics;
        String f = format == null || format.isBlank() ? "table" : format.trim().toLowerCase(Locale.ROOT);
        return switch (f) {
            case "table" -> table(entries, columns);
            case "csv" -> csv(entries, columns);
            case "json" -> List.of(RecordJson.compact(entries.stream().map(HistoryFormat::json).toList()));
            default -> throw new ExpError("The format '" + format + "' is not known.", "use -Dexp.format=table, json or csv");
        };
    }

    /** The metrics of the newest runs, in their order, up to four: enough to read, not a wall of columns. */
    private static List<String> defaultMetrics(List<HistoryEntry> entries) {
        Set<String> names = new LinkedHashSet<>();
        for (HistoryEntry e : entries) {
            for (String name : e.metrics().keySet()) {
                if (names.size() < DEFAULT_METRIC_COLUMNS) {
                    names.add(name);
                }
            }
        }
        return List.copyOf(names);
    }

    private static List<String> cells(HistoryEntry e, List<String> metrics) {
        List<String> row = new ArrayList<>(List.of(
                e.date() == null ? "-" : e.date().substring(0, Math.min(19, e.date().length())).replace('T', ' '),
                e.commit().substring(0, 10),
                refs(e),
                e.runId() == null ? "-" : e.runId(),
                e.cachedFrom() == null ? e.status() : "cached", // succeeded, with the outputs of an earlier run
                e.imageDigest() == null ? "-" : shortDigest(e.imageDigest())));
        for (String m : metrics) {
            Double v = e.metrics().get(m);
            row.add(v == null ? "-" : readable(v));
        }
        return row;
    }

    /** Six significant digits in the table (CSV and JSON keep every digit). */
    public static String readable(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    private static String refs(HistoryEntry e) {
        if (!e.tags().isEmpty()) {
            return String.join(",", e.tags());
        }
        return e.branch() == null ? "-" : e.branch();
    }

    private static String shortDigest(String digest) {
        int colon = digest.indexOf(':');
        String hex = colon >= 0 ? digest.substring(colon + 1) : digest;
        return (colon >= 0 ? digest.substring(0, colon + 1) : "") + hex.substring(0, Math.min(12, hex.length()));
    }

    private static List<String> header(List<String> metrics) {
        List<String> h = new ArrayList<>(List.of("DATE", "COMMIT", "BRANCH/TAGS", "RUN", "STATUS", "IMAGE"));
        metrics.forEach(m -> h.add(m.toUpperCase(Locale.ROOT)));
        return h;
    }

    private static List<String> table(List<HistoryEntry> entries, List<String> metrics) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(header(metrics));
        entries.forEach(e -> rows.add(cells(e, metrics)));
        List<String> lines = new ArrayList<>(TextTable.align(rows, ""));
        lines.add(entries.size() + " run(s)");
        return lines;
    }

    private static List<String> csv(List<HistoryEntry> entries, List<String> metrics) {
        List<String> lines = new ArrayList<>();
        List<String> h = new ArrayList<>(List.of("date", "commit", "branch", "tags", "run_id", "status", "image_digest"));
        h.addAll(metrics);
        lines.add(String.join(",", h.stream().map(HistoryFormat::quote).toList()));
        for (HistoryEntry e : entries) {
            List<String> row = new ArrayList<>(List.of(nz(e.date()), e.commit(), nz(e.branch()), String.join(" ", e.tags()),
                    nz(e.runId()), e.status(), nz(e.imageDigest())));
            for (String m : metrics) {
                Double v = e.metrics().get(m);
                row.add(v == null ? "" : String.format(Locale.ROOT, "%s", v));
            }
            lines.add(String.join(",", row.stream().map(HistoryFormat::quote).toList()));
        }
        return lines;
    }

    private static Map<String, Object> json(HistoryEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", e.source().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        m.put("date", e.date());
        m.put("commit", e.commit());
        m.put("branch", e.branch());
        m.put("tags", e.tags());
        m.put("runId", e.runId());
        m.put("status", e.status());
        if (e.cachedFrom() != null) {
            m.put("cachedFrom", e.cachedFrom());
        }
        m.put("imageDigest", e.imageDigest());
        m.put("metrics", e.metrics());
        return m;
    }

    /** A CSV cell, quoted when it holds a comma, a quote or a line break. */
    public static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

}
