package dev.exprun.branches;

import dev.exprun.core.ExpError;
import dev.exprun.core.TextTable;
import dev.exprun.history.HistoryFormat;
import dev.exprun.history.RunNote;
import dev.exprun.record.RecordJson;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * exp:board's output, in exp:history's three forms: an aligned table (the reference row first, a delta after each
 * metric), JSON (one object) or CSV (one row per branch, the reference row first, a delta column per metric).
 */
public final class BoardFormat {
    private static final int DEFAULT_METRIC_COLUMNS = 4;

    private BoardFormat() {
    }

    public static List<String> render(Board board, List<String> metrics, String format, Instant now) {
        List<String> columns = metrics == null || metrics.isEmpty() ? defaultMetrics(board) : metrics;
        String f = format == null || format.isBlank() ? "table" : format.trim().toLowerCase(Locale.ROOT);
        return switch (f) {
            case "table" -> table(board, columns, now);
            case "csv" -> csv(board, columns);
            case "json" -> List.of(RecordJson.compact(json(board)));
            default -> throw new ExpError("The format '" + format + "' is not known.", "use -Dexp.format=table, json or csv");
        };
    }

    /** The objective first, then the best runs' other metrics in the order they were logged, up to four. */
    private static List<String> defaultMetrics(Board board) {
        Set<String> names = new LinkedHashSet<>();
        if (board.objective() != null) {
            names.add(board.objective().metric());
        }
        names.addAll(board.reference().metrics().keySet());
        board.rows().forEach(r -> names.addAll(Objective.metricsOf(r.runs().best()).keySet()));
        return names.stream().limit(DEFAULT_METRIC_COLUMNS).toList();
    }

    private static List<String> table(Board board, List<String> metrics, Instant now) {
        List<String> lines = new ArrayList<>();
        lines.add(headline(board));
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("BRANCH", "RUNS", "FAILED", "BEST RUN", "COMMIT", "AGE", "AHEAD", "BEHIND", "FILES"));
        metrics.forEach(m -> header.add(m.toUpperCase(Locale.ROOT)));
        rows.add(header);
        BoardReference ref = board.reference();
        List<String> first = new ArrayList<>(List.of(referenceLabel(board), String.valueOf(board.main().runs()),
                String.valueOf(board.main().failed()), dash(ref.runId()), shortId(ref.commit()), age(ref.startedAt(), now), "-", "-", "-"));
        metrics.forEach(m -> first.add(value(ref.metrics().get(m))));
        rows.add(first);
        for (BoardRow r : board.rows()) {
            RunNote best = r.runs().best();
            List<String> row = new ArrayList<>(List.of(r.branch().name() + (r.branch().local() ? "" : " (" + r.branch().where() + ")"),
                    String.valueOf(r.runs().runs()), String.valueOf(r.runs().failed()), best == null ? "-" : best.runId(),
                    best == null ? "-" : shortId(best.commit()), best == null ? "-" : age(best.startedAt(), now),
                    String.valueOf(r.ahead()), String.valueOf(r.behind()), String.valueOf(r.filesChanged())));
            for (String m : metrics) {
                Double v = Objective.metricsOf(best).get(m);
                Double d = delta(v, ref.metrics().get(m));
                row.add(value(v) + (d == null ? "" : " (" + signed(d) + ")"));
            }
            rows.add(row);
        }
        lines.addAll(TextTable.align(rows, ""));
        if (board.rows().isEmpty()) {
            lines.add("No branch matches the pattern; name yours with -Dexp.branchPattern (default exp/*).");
        }
        return lines;
    }

    private static String headline(Board board) {
        BoardReference ref = board.reference();
        String by = board.objective() == null ? "no objective (each branch shows its newest successful run; set -Dexp.objective)"
                : "best run by " + board.objective().metric() + " (" + board.objective().directionText().replace('-', ' ') + ")";
        String against = switch (ref.kind()) {
            case RUN -> "deltas against " + board.mainBranch() + "'s best run " + ref.runId();
            case TAG -> "deltas against the exp tag " + ref.label() + " (no run on " + board.mainBranch() + " has the objective)";
            case NONE -> "no deltas: " + board.mainBranch() + " has no successful run and no exp tag";
        };
        return board.rows().size() + " experiment branch(es), " + by + "; " + against + ".";
    }

    private static String referenceLabel(Board board) {
        BoardReference ref = board.reference();
        return ref.kind() == BoardReference.Kind.TAG ? board.mainBranch() + " @ " + ref.label() : board.mainBranch();
    }

    private static List<String> csv(Board board, List<String> metrics) {
        List<String> lines = new ArrayList<>();
        List<String> h = new ArrayList<>(List.of("role", "branch", "ref", "tip", "ahead", "behind", "files_changed", "runs", "failed",
                "best_run", "commit", "started_at"));
        h.addAll(metrics);
        metrics.forEach(m -> h.add("delta_" + m));
        lines.add(String.join(",", h.stream().map(HistoryFormat::quote).toList()));
        BoardReference ref = board.reference();
        List<String> first = new ArrayList<>(List.of("reference", ref.kind() == BoardReference.Kind.TAG ? ref.label() : board.mainBranch(),
                ref.kind().name().toLowerCase(Locale.ROOT), "", "", "", "", String.valueOf(board.main().runs()),
                String.valueOf(board.main().failed()), nz(ref.runId()), nz(ref.commit()), nz(ref.startedAt())));
        metrics.forEach(m -> first.add(raw(ref.metrics().get(m))));
        metrics.forEach(m -> first.add(""));
        lines.add(String.join(",", first.stream().map(HistoryFormat::quote).toList()));
        for (BoardRow r : board.rows()) {
            RunNote best = r.runs().best();
            List<String> row = new ArrayList<>(List.of("branch", r.branch().name(), r.branch().refName(), r.branch().tip().name(),
                    String.valueOf(r.ahead()), String.valueOf(r.behind()), String.valueOf(r.filesChanged()),
                    String.valueOf(r.runs().runs()), String.valueOf(r.runs().failed()), best == null ? "" : best.runId(),
                    best == null ? "" : best.commit(), best == null ? "" : nz(best.startedAt())));
            metrics.forEach(m -> row.add(raw(Objective.metricsOf(best).get(m))));
            metrics.forEach(m -> row.add(raw(delta(Objective.metricsOf(best).get(m), ref.metrics().get(m)))));
            lines.add(String.join(",", row.stream().map(HistoryFormat::quote).toList()));
        }
        return lines;
    }

    private static Map<String, Object> json(Board board) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("objective", board.objective() == null ? null
                : board.objective().describe());
        out.put("main", Map.of("branch", board.mainBranch(), "runs", board.main().runs(), "failed", board.main().failed()));
        BoardReference ref = board.reference();
        Map<String, Object> reference = new LinkedHashMap<>();
        reference.put("kind", ref.kind().name().toLowerCase(Locale.ROOT));
        reference.put("name", ref.label());
        reference.put("runId", ref.runId());
        reference.put("commit", ref.commit());
        reference.put("metrics", ref.metrics());
        out.put("reference", reference);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (BoardRow r : board.rows()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("branch", r.branch().name());
            row.put("ref", r.branch().refName());
            row.put("tip", r.branch().tip().name());
            row.put("ahead", r.ahead());
            row.put("behind", r.behind());
            row.put("filesChanged", r.filesChanged());
            row.put("runs", r.runs().runs());
            row.put("failed", r.runs().failed());
            RunNote best = r.runs().best();
            row.put("best", best == null ? null : bestRun(best));
            Map<String, Double> delta = new LinkedHashMap<>();
            Objective.metricsOf(best).forEach((m, v) -> {
                Double d = delta(v, ref.metrics().get(m));
                if (d != null) {
                    delta.put(m, d);
                }
            });
            row.put("delta", delta);
            rows.add(row);
        }
        out.put("branches", rows);
        return out;
    }

    /** A best run as the board's JSON and an archive tag's block describe it. */
    static Map<String, Object> bestRun(RunNote best) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("runId", best.runId());
        b.put("commit", best.commit());
        b.put("startedAt", best.startedAt());
        b.put("imageDigest", best.imageDigest());
        b.put("params", best.params() == null ? Map.of() : best.params());
        b.put("metrics", Objective.metricsOf(best));
        return b;
    }

    private static Double delta(Double value, Double reference) {
        if (value == null || reference == null || !Double.isFinite(value) || !Double.isFinite(reference)) {
            return null;
        }
        return value - reference;
    }

    private static String value(Double v) {
        return v == null ? "-" : HistoryFormat.readable(v);
    }

    private static String signed(double d) {
        String text = HistoryFormat.readable(d);
        return d >= 0 ? "+" + text : text; // ASCII only: logs end up in consoles and files of any encoding
    }

    private static String raw(Double v) {
        return v == null ? "" : String.valueOf(v);
    }

    /** 5m, 3h, 2d: how long ago the run started. */
    static String age(String startedAt, Instant now) {
        if (startedAt == null) {
            return "-";
        }
        try {
            Duration d = Duration.between(Instant.parse(startedAt), now);
            if (d.isNegative()) {
                return "0m";
            }
            return d.toHours() < 1 ? d.toMinutes() + "m" : d.toHours() < 48 ? d.toHours() + "h" : d.toDays() + "d";
        } catch (DateTimeParseException e) {
            return "-";
        }
    }

    private static String shortId(String commit) {
        return commit == null ? "-" : commit.substring(0, Math.min(10, commit.length()));
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
