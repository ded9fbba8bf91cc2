package dev.exprun.report;

import dev.exprun.history.HistoryEntry;
import dev.exprun.history.RunNote;
import dev.exprun.record.RunRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The report as one self-contained HTML page: its CSS and its one small script (table sorting) inline, the charts as
 * inline SVG, no external reference of any kind (no CDN, font or image), so it opens offline and asks no network.
 */
final class ReportPage {
    /** Rows laid out at load; the rest wait hidden (see SCRIPT). */
    static final int VISIBLE_ROWS = 500;
    /** The page follows the system's light or dark theme. */
    private static final String THEME = """
            :root { color-scheme: light dark; --fg: #1b1b1b; --bg: #ffffff; --muted: #666; --line: #ddd; }
            @media (prefers-color-scheme: dark) { :root { --fg: #e8e8e8; --bg: #161616; --muted: #aaa; --line: #444; } }
            body { font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 2em; }
            """;
    /** In the site, the skin's light page is the ground: the report keeps to it. */
    private static final String SITE_THEME = """
            .exp-report { --fg: #1b1b1b; --bg: #ffffff; --muted: #666; --line: #ddd; }
            """;
    private static final String STYLE = """
            table { border-collapse: collapse; } th, td { padding: 2px 8px; border-bottom: 1px solid var(--line); text-align: left; }
            th { cursor: pointer; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
            tr.failed td, tr.interrupted td, tr.killed td, tr.timed-out td { color: #D55E00; } tr.cached td { color: var(--muted); }
            .chart { color: var(--fg); max-width: 100%; height: auto; } .chart .title { font-weight: bold; }
            .chart text { font-size: 11px; } .chart text.tag { font-size: 11px; } .chart .axis line { stroke-width: 1; } .note { color: var(--muted); fill: var(--muted); }
            .chart text:not(.note) { fill: currentColor; }
            .legend span { display: inline-block; margin-right: 1em; } .legend i { display: inline-block; width: 1em; height: 3px; vertical-align: middle; margin-right: 4px; }
            section.chart-block { break-inside: avoid; page-break-inside: avoid; margin: 1em 0; }
            @media print { section.chart-block { page-break-after: always; } }
            code { font-size: 12px; }
            """;
    /**
     * Sorting: keys read once per click, the rows put back in one call. With more rows than the first tbody shows, the
     * rest wait in a hidden tbody (no layout, so a page of 10,000 runs is usable at once); a sort takes every row and
     * shows the first ones of the new order, and "show all" moves them all into view.
     */
    private static final String SCRIPT = """
            document.querySelectorAll('table.sortable').forEach(table => {
              const shown = table.tBodies[0], more = table.tBodies[1], limit = shown.rows.length;
              table.querySelectorAll('th').forEach((th, i) => th.addEventListener('click', () => {
                const dir = th.dataset.dir === 'asc' ? -1 : 1; th.dataset.dir = dir === 1 ? 'asc' : 'desc';
                const rows = more ? [...shown.rows, ...more.rows] : [...shown.rows];
                const keyed = rows.map(r => { const c = r.cells[i], t = c.dataset.v ?? c.textContent, n = Number(t);
                  return [t.trim() !== '' && !isNaN(n) ? n : t, r]; });
                keyed.sort((a, b) => (a[0] > b[0] ? 1 : a[0] < b[0] ? -1 : 0) * dir);
                const sorted = keyed.map(k => k[1]);
                if (more && more.isConnected) { shown.replaceChildren(...sorted.slice(0, limit)); more.replaceChildren(...sorted.slice(limit)); }
                else { shown.replaceChildren(...sorted); }
              }));
            });
            document.querySelectorAll('button.show-all').forEach(b => b.addEventListener('click', () => {
              const table = document.getElementById(b.dataset.table), more = table.tBodies[1];
              if (more) { table.tBodies[0].append(...more.rows); more.remove(); }
              b.parentElement.remove();
            }));
            """;

    private ReportPage() {
    }

    /** The whole page: head, style, content, script. */
    static String page(ReportContent c) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Experiments: " + Html.escape(c.project())
                + "</title>\n<style>" + THEME + STYLE + "</style></head>\n<body>\n<h1>Experiments: " + Html.escape(c.project()) + "</h1>\n"
                + content(c) + "<script>" + SCRIPT + "</script>\n</body></html>\n";
    }

    /** The page as a part of another (the Maven site's): its style and script come along, scoped to a div of its own. */
    static String body(ReportContent c) {
        return "<style>" + SITE_THEME + STYLE + "</style>\n<div class=\"exp-report\">\n"
                + content(c) + "</div>\n<script>" + SCRIPT + "</script>\n";
    }

    private static String content(ReportContent c) {
        StringBuilder h = new StringBuilder();
        Set<String> anchored = new HashSet<>();
        c.details().forEach(d -> anchored.add(d.record().runId()));
        h.append("<h2 id=\"runs\">Runs</h2>\n<p class=\"note\">").append(c.runs().size()).append(" run(s); click a heading to sort")
                .append(c.runs().size() > VISIBLE_ROWS ? " (the first " + VISIBLE_ROWS + " are shown; a sort takes them all)" : "").append(".</p>\n");
        h.append("<table id=\"runs-table\" class=\"sortable\"><thead><tr><th>date</th><th>commit</th><th>branch / tags</th><th>run</th><th>status</th><th>image</th>");
        c.columns().forEach(col -> h.append("<th>").append(Html.escape(col)).append("</th>"));
        h.append("</tr></thead><tbody>\n");
        for (int row = 0; row < c.runs().size(); row++) {
            if (row == VISIBLE_ROWS) {
                h.append("</tbody><tbody hidden>\n");
            }
            HistoryEntry e = c.runs().get(row);
            String status = e.cachedFrom() != null ? "cached" : e.status();
            h.append("<tr class=\"").append(Html.escape(status)).append("\"><td>").append(Html.escape(date(e.date()))).append("</td><td><code>")
                    .append(Html.escape(e.commit().substring(0, Math.min(10, e.commit().length())))).append("</code></td><td>")
                    .append(Html.escape(refs(e))).append("</td><td>");
            if (e.runId() != null && anchored.contains(e.runId())) {
                h.append("<a href=\"#run-").append(Html.escape(e.runId())).append("\">").append(Html.escape(e.runId())).append("</a>");
            } else {
                h.append(Html.escape(e.runId() == null ? "-" : e.runId()));
            }
            h.append("</td><td>").append(Html.escape(status + (e.cachedFrom() != null ? " (from " + e.cachedFrom() + ")" : "")))
                    .append("</td><td><code>").append(Html.escape(shortDigest(e.imageDigest()))).append("</code></td>");
            for (String col : c.columns()) {
                Double v = e.metrics().get(col);
                h.append("<td class=\"num\"").append(v == null ? ">-" : " data-v=\"" + v + "\">" + SvgChart.label(v)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table>\n");
        if (c.runs().size() > VISIBLE_ROWS) {
            h.append("<p><button type=\"button\" class=\"show-all\" data-table=\"runs-table\">Show all ").append(c.runs().size())
                    .append(" runs</button></p>\n");
        }
        h.append("<h2 id=\"curves\">Metric curves</h2>\n<p class=\"note\">").append(Html.escape(c.curvesNote())).append("</p>\n");
        if (!c.curves().isEmpty()) {
            h.append("<p class=\"legend\">");
            for (int i = 0; i < c.legend().size(); i++) {
                h.append("<span><i style=\"background:").append(SvgChart.PALETTE.get(i % SvgChart.PALETTE.size())).append("\"></i>")
                        .append(Html.escape(c.legend().get(i))).append("</span>");
            }
            h.append("</p>\n");
            charts(h, c.curves());
        }
        h.append("<h2 id=\"sweeps\">Sweeps</h2>\n<p class=\"note\">").append(Html.escape(c.sweepsNote())).append("</p>\n");
        for (ReportContent.Sweep sweep : c.sweeps()) {
            h.append("<h3 id=\"sweep-").append(Html.escape(sweep.id())).append("\">Sweep ").append(Html.escape(sweep.id())).append("</h3>\n<p>")
                    .append(Html.escape(sweep.note())).append("</p>\n");
            charts(h, sweep.charts());
        }
        h.append("<h2 id=\"timeline\">The model's road through its tags</h2>\n<p class=\"note\">").append(Html.escape(c.timelineNote()))
                .append("</p>\n");
        charts(h, c.timeline());
        h.append("<h2 id=\"details\">Run details</h2>\n");
        if (c.details().isEmpty()) {
            h.append("<p class=\"note\">No run drawn here has its record (run.json) in a run directory here.</p>\n");
        }
        c.details().forEach(d -> detail(h, d));
        return h.toString();
    }

    private static void charts(StringBuilder h, List<Chart> charts) {
        charts.forEach(chart -> h.append("<section class=\"chart-block\">\n").append(chart.svg()).append("</section>\n"));
    }

    private static void detail(StringBuilder h, ReportContent.Detail d) {
        RunRecord r = d.record();
        h.append("<section id=\"run-").append(Html.escape(r.runId())).append("\"><h3>").append(Html.escape(r.runId())).append("</h3><ul>\n");
        if (r.git() != null && r.git().present()) {
            h.append("<li>commit <code>").append(Html.escape(r.git().commit())).append("</code>").append(r.git().dirty()
                    ? ", dirty (patch sha256 <code>" + Html.escape(r.git().patchSha256()) + "</code>)" : "").append("</li>\n");
        }
        if (r.image() != null) {
            h.append("<li>image ").append(Html.escape(r.image().reference())).append(" = <code>").append(Html.escape(r.image().digest()))
                    .append("</code></li>\n");
        }
        if (r.engine() != null) {
            h.append("<li>engine ").append(Html.escape(r.engine().describe())).append("</li>\n");
        }
        if (r.container() != null && r.container().gpusSeen() != null) {
            h.append("<li>GPUs seen: ").append(r.container().gpusSeen().count()).append("</li>\n");
        }
        if (r.cachedFrom() != null) {
            h.append("<li>served from the cache: the outputs of <a href=\"#run-").append(Html.escape(r.cachedFrom())).append("\">")
                    .append(Html.escape(r.cachedFrom())).append("</a></li>\n");
        }
        h.append("<li>params <code>").append(Html.escape(String.valueOf(r.params()))).append("</code></li>\n");
        h.append("<li>metrics <code>").append(Html.escape(String.valueOf(r.metrics()))).append("</code></li>\n");
        for (RunRecord.OutputFile o : r.outputs() == null ? List.<RunRecord.OutputFile>of() : r.outputs()) {
            h.append("<li>output ").append(Html.escape(o.path())).append(" (").append(o.size()).append(" bytes) sha256 <code>")
                    .append(Html.escape(o.sha256())).append("</code></li>\n");
        }
        for (RunNote again : d.reproductions()) {
            h.append("<li>reproduced by run ").append(Html.escape(again.runId())).append(" (").append(Html.escape(again.status()))
                    .append("): metrics <code>").append(Html.escape(String.valueOf(again.metrics()))).append("</code></li>\n");
        }
        h.append("</ul></section>\n");
    }

    private static String refs(HistoryEntry e) {
        String tags = String.join(" ", e.tags());
        return e.branch() == null ? tags : tags.isEmpty() ? e.branch() : e.branch() + " " + tags;
    }

    private static String date(String iso) {
        return iso == null ? "-" : iso.substring(0, Math.min(19, iso.length())).replace('T', ' ');
    }

    private static String shortDigest(String digest) {
        if (digest == null) {
            return "-";
        }
        int colon = digest.indexOf(':');
        return digest.substring(colon + 1, Math.min(digest.length(), colon + 13)).toLowerCase(Locale.ROOT);
    }
}
