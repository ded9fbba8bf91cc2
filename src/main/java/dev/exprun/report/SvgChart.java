package dev.exprun.report;

import dev.exprun.report.Downsampler.Point;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One metric's curves as an inline SVG line chart: the runs overlaid in a colour-blind-safe palette (Okabe and Ito),
 * axes with ticks, the step axis labelled, a log value axis when the values are positive and span two decades or
 * more. Colours of text and axes follow the page's (currentColor), so a dark theme reads as well as a light one.
 */
public final class SvgChart {
    /** Okabe-Ito, without black (the axes' colour), so every run is told apart in both themes. */
    static final List<String> PALETTE = List.of("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442");
    static final int MAX_POINTS = 2000;
    private static final int WIDTH = 720;
    private static final int HEIGHT = 300;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 28;
    private static final int BOTTOM = 40;

    /** A run's series of the metric, named for the legend; colour: its index in the palette, the same in every chart. */
    public record Curve(String name, MetricSeries series, int colour) {
        public Curve(String name, MetricSeries series) {
            this(name, series, -1);
        }
    }

    private SvgChart() {
    }

    public static String render(String metric, List<Curve> curves) {
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        List<List<List<Point>>> drawn = new ArrayList<>();
        for (Curve c : curves) {
            List<List<Point>> segments = Downsampler.segments(c.series().x(), c.series().y(), MAX_POINTS);
            drawn.add(segments);
            for (List<Point> s : segments) {
                for (Point p : s) {
                    minX = Math.min(minX, p.x());
                    maxX = Math.max(maxX, p.x());
                    minY = Math.min(minY, p.y());
                    maxY = Math.max(maxY, p.y());
                }
            }
        }
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" aria-label=\"")
                .append(Html.escape(metric)).append(" by step\">\n");
        svg.append("<text x=\"").append(LEFT).append("\" y=\"18\" class=\"title\">").append(Html.escape(metric)).append("</text>\n");
        if (minX > maxX) {
            svg.append("<text x=\"").append(WIDTH / 2).append("\" y=\"").append(HEIGHT / 2).append("\" text-anchor=\"middle\">no finite values</text>\n");
            return svg.append("</svg>\n").toString();
        }
        boolean log = minY > 0 && maxY / minY >= 100;
        Scale xs = new Scale(minX, maxX == minX ? minX + 1 : maxX, LEFT, WIDTH - RIGHT, false);
        Scale ys = new Scale(minY, maxY == minY ? minY + (log ? minY * 9 : 1) : maxY, HEIGHT - BOTTOM, TOP, log);
        axes(svg, xs, ys, log);
        for (int i = 0; i < drawn.size(); i++) {
            int index = curves.get(i).colour() < 0 ? i : curves.get(i).colour();
            String colour = PALETTE.get(index % PALETTE.size());
            svg.append("<g class=\"curve\" stroke=\"").append(colour).append("\"><title>").append(Html.escape(curves.get(i).name()))
                    .append("</title>\n");
            for (List<Point> segment : drawn.get(i)) {
                svg.append(segment.size() == 1 ? "<circle r=\"2\" fill=\"" + colour + "\" " : "<polyline fill=\"none\" stroke-width=\"1.5\" ");
                if (segment.size() == 1) {
                    svg.append("cx=\"").append(f(xs.at(segment.get(0).x()))).append("\" cy=\"").append(f(ys.at(segment.get(0).y()))).append("\"/>\n");
                    continue;
                }
                svg.append("points=\"");
                for (Point p : segment) {
                    svg.append(f(xs.at(p.x()))).append(',').append(f(ys.at(p.y()))).append(' ');
                }
                svg.append("\"/>\n");
            }
            svg.append("</g>\n");
        }
        return svg.append("</svg>\n").toString();
    }

    private static void axes(StringBuilder svg, Scale xs, Scale ys, boolean log) {
        int bottom = HEIGHT - BOTTOM;
        svg.append("<g class=\"axis\" stroke=\"currentColor\" fill=\"currentColor\">\n");
        svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(bottom).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y2=\"")
                .append(bottom).append("\"/>\n");
        svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(TOP).append("\" x2=\"").append(LEFT).append("\" y2=\"")
                .append(bottom).append("\"/>\n");
        for (double t : xs.ticks()) {
            svg.append("<text x=\"").append(f(xs.at(t))).append("\" y=\"").append(bottom + 16).append("\" text-anchor=\"middle\" stroke=\"none\">")
                    .append(label(t)).append("</text>\n");
        }
        for (double t : ys.ticks()) {
            svg.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(f(ys.at(t) + 4)).append("\" text-anchor=\"end\" stroke=\"none\">")
                    .append(label(t)).append("</text>\n");
        }
        svg.append("<text x=\"").append((LEFT + WIDTH - RIGHT) / 2).append("\" y=\"").append(HEIGHT - 6)
                .append("\" text-anchor=\"middle\" stroke=\"none\">step</text>\n");
        if (log) {
            svg.append("<text x=\"").append(WIDTH - RIGHT).append("\" y=\"18\" text-anchor=\"end\" stroke=\"none\" class=\"note\">log scale</text>\n");
        }
        svg.append("</g>\n");
    }

    /** 0.001, 12.5, 3000, 1.5e-06: four significant digits at most, no trailing zeros. */
    static String label(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e7) {
            return String.valueOf((long) v);
        }
        if (Math.abs(v) >= 1e-4 && Math.abs(v) < 1e7) {
            // Not String.format: a report labels tens of thousands of table cells, and the formatter costs ten times this.
            return java.math.BigDecimal.valueOf(v).round(FOUR_DIGITS).stripTrailingZeros().toPlainString();
        }
        return String.format(Locale.ROOT, "%.2e", v);
    }

    private static final java.math.MathContext FOUR_DIGITS = new java.math.MathContext(4, java.math.RoundingMode.HALF_UP);

    /**
     * A pixel coordinate to one decimal: integer arithmetic, since a chart has tens of thousands of them and
     * String.format takes about half a second for that many in a JVM that has not warmed up.
     */
    static String f(double v) {
        long tenths = Math.round(v * 10);
        long whole = Math.abs(tenths) / 10;
        return (tenths < 0 ? "-" : "") + whole + "." + Math.abs(tenths) % 10;
    }

    /** Data to pixels, linear or log10. */
    record Scale(double min, double max, double from, double to, boolean log) {
        double at(double v) {
            double a = log ? Math.log10(min) : min;
            double b = log ? Math.log10(max) : max;
            double t = ((log ? Math.log10(v) : v) - a) / (b - a);
            return from + t * (to - from);
        }

        /** About five ticks: powers of ten on a log scale, 1-2-5 steps on a linear one. */
        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            if (log) {
                for (double p = Math.floor(Math.log10(min)); p <= Math.ceil(Math.log10(max)); p++) {
                    double v = Math.pow(10, p);
                    if (v >= min && v <= max) {
                        ticks.add(v);
                    }
                }
                return ticks;
            }
            double raw = (max - min) / 5;
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double r = raw / magnitude;
            double step = (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * magnitude;
            for (double v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
                ticks.add(Math.abs(v) < step * 1e-9 ? 0 : v);
            }
            return ticks;
        }
    }
}
