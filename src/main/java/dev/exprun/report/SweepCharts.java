package dev.exprun.report;

import dev.exprun.gate.MetricDirection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A sweep's trials as pictures: the params against the objective in parallel coordinates (one axis per param that
 * varies, the objective last), and one scatter of each param against the objective. The best trial is drawn on top
 * in the palette's first colour and named; every other trial is a thin line in the text's colour. A numeric axis is
 * linear, or log10 where its values are positive and span two decades (a learning rate); any other axis lists its
 * values in order.
 */
final class SweepCharts {
    private static final int WIDTH = 720;
    private static final int HEIGHT = 300;
    private static final int TOP = 40;
    private static final int BOTTOM = 40;
    private static final int SIDE = 64;
    private static final String BEST = SvgChart.PALETTE.get(0);

    /** A trial of the sweep: its run, its label (t03), its params, and the objective's value (null: none, e.g. it failed). */
    record Trial(String runId, String trial, Map<String, Object> params, Double objective) {
        Trial {
            params = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(params)); // by name, as the axes are
        }
    }

    private SweepCharts() {
    }

    /** The best trial by the objective, or null when no trial has a finite value. */
    static Trial best(List<Trial> trials, MetricDirection direction) {
        Comparator<Trial> by = Comparator.comparingDouble(Trial::objective);
        return trials.stream().filter(t -> t.objective() != null && Double.isFinite(t.objective()))
                .max(direction == MetricDirection.HIGHER_IS_BETTER ? by : by.reversed()).orElse(null);
    }

    /** The parallel-coordinates chart, then a scatter per param; none when no trial has a param. */
    static List<Chart> render(String sweepId, List<Trial> trials, String objective, Trial best) {
        List<String> params = params(trials);
        List<Chart> charts = new ArrayList<>();
        if (params.isEmpty()) {
            return charts;
        }
        charts.add(new Chart("sweep-" + sweepId + "-parallel", parallel(sweepId, trials, params, objective, best)));
        for (String p : params) {
            charts.add(new Chart("sweep-" + sweepId + "-" + p, scatter(sweepId, trials, p, objective, best)));
        }
        return charts;
    }

    /** The params that vary across the trials (every param when none varies), by name. */
    private static List<String> params(List<Trial> trials) {
        TreeSet<String> all = new TreeSet<>();
        trials.forEach(t -> all.addAll(t.params().keySet()));
        List<String> varying = all.stream().filter(p -> trials.stream().map(t -> text(t.params().get(p))).distinct().count() > 1).toList();
        return varying.isEmpty() ? List.copyOf(all) : varying;
    }

    private static String parallel(String sweepId, List<Trial> trials, List<String> params, String objective, Trial best) {
        List<Axis> axes = new ArrayList<>();
        for (String p : params) {
            axes.add(Axis.of(p, trials.stream().map(t -> t.params().get(p)).toList(), HEIGHT - BOTTOM, TOP));
        }
        axes.add(Axis.of(objective, trials.stream().map(t -> (Object) t.objective()).toList(), HEIGHT - BOTTOM, TOP));
        double step = (double) (WIDTH - 2 * SIDE) / Math.max(1, axes.size() - 1);
        StringBuilder svg = open("sweep " + sweepId + ": params against " + objective);
        svg.append("<text x=\"").append(SIDE).append("\" y=\"16\" class=\"title\">").append(Html.escape("Sweep " + sweepId + ": "
                + trials.size() + " trial(s), params against " + objective)).append("</text>\n");
        List<Trial> order = new ArrayList<>(trials);
        order.remove(best);
        if (best != null) {
            order.add(best);
        }
        for (Trial t : order) {
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < axes.size(); i++) {
                Object v = i < params.size() ? t.params().get(params.get(i)) : t.objective();
                Double y = axes.get(i).at(v);
                if (y != null) {
                    points.append(f(SIDE + i * step)).append(',').append(f(y)).append(' ');
                }
            }
            boolean isBest = t.equals(best);
            svg.append("<polyline fill=\"none\" points=\"").append(points).append("\" ").append(isBest
                    ? "stroke=\"" + BEST + "\" stroke-width=\"3\"" : "stroke=\"currentColor\" stroke-opacity=\"0.4\" stroke-width=\"1\""
                    + (t.objective() == null ? " stroke-dasharray=\"4 3\"" : "")).append("><title>").append(Html.escape(describe(t, objective)))
                    .append("</title></polyline>\n");
        }
        for (int i = 0; i < axes.size(); i++) {
            axes.get(i).draw(svg, SIDE + i * step, i == axes.size() - 1);
        }
        if (best != null) {
            svg.append("<text x=\"").append(WIDTH - SIDE).append("\" y=\"").append(HEIGHT - 8).append("\" text-anchor=\"end\" fill=\"")
                    .append(BEST).append("\">").append(Html.escape("best: " + describe(best, objective))).append("</text>\n");
        }
        return svg.append("</svg>\n").toString();
    }

    private static String scatter(String sweepId, List<Trial> trials, String param, String objective, Trial best) {
        List<Trial> drawn = trials.stream().filter(t -> t.objective() != null && Double.isFinite(t.objective())).toList();
        // Inset, so that no point sits on an axis line.
        Axis x = Axis.of(param, drawn.stream().map(t -> t.params().get(param)).toList(), SIDE + 16, WIDTH - SIDE - 16);
        Axis y = Axis.of(objective, drawn.stream().map(t -> (Object) t.objective()).toList(), HEIGHT - BOTTOM - 12, TOP + 8);
        StringBuilder svg = open("sweep " + sweepId + ": " + objective + " by " + param);
        svg.append("<text x=\"").append(SIDE).append("\" y=\"16\" class=\"title\">").append(Html.escape("Sweep " + sweepId + ": "
                + objective + " by " + param)).append("</text>\n");
        svg.append("<g class=\"axis\" stroke=\"currentColor\" fill=\"currentColor\">\n");
        line(svg, SIDE, HEIGHT - BOTTOM, WIDTH - SIDE, HEIGHT - BOTTOM);
        line(svg, SIDE, TOP, SIDE, HEIGHT - BOTTOM);
        x.ticks().forEach((label, at) -> svg.append("<text x=\"").append(f(at)).append("\" y=\"").append(HEIGHT - BOTTOM + 16)
                .append("\" text-anchor=\"middle\" stroke=\"none\">").append(Html.escape(label)).append("</text>\n"));
        y.ticks().forEach((label, at) -> svg.append("<text x=\"").append(SIDE - 6).append("\" y=\"").append(f(at + 4))
                .append("\" text-anchor=\"end\" stroke=\"none\">").append(Html.escape(label)).append("</text>\n"));
        svg.append("<text x=\"").append(WIDTH / 2).append("\" y=\"").append(HEIGHT - 6).append("\" text-anchor=\"middle\" stroke=\"none\">")
                .append(Html.escape(param + (x.log ? " (log scale)" : ""))).append("</text>\n</g>\n");
        for (Trial t : drawn) {
            Double px = x.at(t.params().get(param));
            if (px == null) {
                continue; // a trial without this param (the space changed between attempts): it has no place on this axis
            }
            boolean isBest = t.equals(best);
            double py = y.at(t.objective());
            svg.append("<circle cx=\"").append(f(px)).append("\" cy=\"").append(f(py)).append("\" r=\"").append(isBest ? 6 : 4).append("\" ")
                    .append(isBest ? "fill=\"" + BEST + "\"" : "fill=\"currentColor\" fill-opacity=\"0.45\"").append("><title>")
                    .append(Html.escape(describe(t, objective))).append("</title></circle>\n");
            if (isBest) {
                boolean nearRight = px > WIDTH - SIDE - 80;
                svg.append("<text x=\"").append(f(nearRight ? px - 9 : px + 9)).append("\" y=\"").append(f(py - 8)).append("\" text-anchor=\"")
                        .append(nearRight ? "end" : "start").append("\" fill=\"").append(BEST).append("\">best ")
                        .append(Html.escape(t.trial() == null ? t.runId() : t.trial())).append("</text>\n");
            }
        }
        int missing = trials.size() - drawn.size();
        if (missing > 0) {
            svg.append("<text x=\"").append(WIDTH - SIDE).append("\" y=\"16\" text-anchor=\"end\" class=\"note\">").append(missing)
                    .append(" trial(s) without ").append(Html.escape(objective)).append(" not drawn</text>\n");
        }
        return svg.append("</svg>\n").toString();
    }

    private static StringBuilder open(String label) {
        return new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart sweep\" role=\"img\" viewBox=\"0 0 " + WIDTH + " "
                + HEIGHT + "\" width=\"" + WIDTH + "\" height=\"" + HEIGHT + "\" aria-label=\"" + Html.escape(label) + "\">\n");
    }

    private static String describe(Trial t, String objective) {
        return (t.trial() == null ? "" : t.trial() + " ") + t.runId() + " " + t.params() + " " + objective + "="
                + (t.objective() == null ? "none" : SvgChart.label(t.objective()));
    }

    private static void line(StringBuilder svg, double x1, double y1, double x2, double y2) {
        svg.append("<line x1=\"").append(f(x1)).append("\" y1=\"").append(f(y1)).append("\" x2=\"").append(f(x2)).append("\" y2=\"")
                .append(f(y2)).append("\"/>\n");
    }

    static String text(Object v) {
        return v == null ? "" : v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e7 ? String.valueOf(d.longValue()) : String.valueOf(v);
    }

    private static Double number(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return v == null ? null : Double.valueOf(v.toString().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String f(double v) {
        return SvgChart.f(v);
    }

    /** One axis from pixel `from` (its lowest value) to `to`: numeric (linear or log) when every value is a number, else the values in order. */
    private record Axis(String name, SvgChart.Scale scale, List<String> categories, double from, double to, boolean log) {
        static Axis of(String name, List<Object> values, double from, double to) {
            List<Object> present = values.stream().filter(Objects::nonNull).toList();
            List<Double> numbers = present.stream().map(SweepCharts::number).toList();
            if (!present.isEmpty() && numbers.stream().allMatch(n -> n != null && Double.isFinite(n))) {
                double min = numbers.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
                double max = numbers.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
                boolean log = min > 0 && max / min >= 100;
                double pad = log ? min * 9 : Math.max(Math.abs(min) * 0.1, 1e-9);
                return new Axis(name, new SvgChart.Scale(min, max == min ? min + pad : max, from, to, log), List.of(), from, to, log);
            }
            List<String> categories = present.stream().map(SweepCharts::text).distinct().sorted().toList();
            return new Axis(name, null, categories, from, to, false);
        }

        /** The pixel of a value; null for no value. */
        Double at(Object v) {
            if (v == null) {
                return null;
            }
            if (scale != null) {
                Double n = number(v);
                return n == null || !Double.isFinite(n) ? null : scale.at(n);
            }
            int i = categories.indexOf(text(v));
            return i < 0 ? null : categories.size() == 1 ? (from + to) / 2 : from + (to - from) * i / (categories.size() - 1);
        }

        /** Label to pixel, in drawing order. */
        Map<String, Double> ticks() {
            Map<String, Double> ticks = new java.util.LinkedHashMap<>();
            if (scale != null) {
                scale.ticks().forEach(t -> ticks.put(SvgChart.label(t), scale.at(t)));
            } else {
                categories.forEach(c -> ticks.put(c, at(c)));
            }
            return ticks;
        }

        /** A vertical axis of the parallel coordinates at x, its name on top, its ticks beside it. */
        void draw(StringBuilder svg, double x, boolean last) {
            svg.append("<g class=\"axis\" stroke=\"currentColor\" fill=\"currentColor\">\n");
            line(svg, x, Math.min(from, to), x, Math.max(from, to));
            svg.append("<text x=\"").append(f(x)).append("\" y=\"").append(TOP - 12).append("\" text-anchor=\"middle\" stroke=\"none\"")
                    .append(last ? " font-weight=\"bold\"" : "").append(">").append(Html.escape(name + (log ? " (log)" : ""))).append("</text>\n");
            ticks().forEach((label, at) -> svg.append("<text x=\"").append(f(x + (last ? -6 : 6))).append("\" y=\"").append(f(at + 4))
                    .append("\" text-anchor=\"").append(last ? "end" : "start").append("\" stroke=\"none\">").append(Html.escape(label))
                    .append("</text>\n"));
            svg.append("</g>\n");
        }
    }
}
