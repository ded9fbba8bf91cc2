package dev.exprun.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Thins a metric series for drawing without hiding what matters: x is split into buckets of equal point count, and
 * each bucket keeps its first and last point and its minimum and maximum, in x order, so every spike and dip survives
 * (TensorBoard's random sampling loses them). A point whose value is NaN or infinite is a gap: the line breaks there,
 * it is never drawn as zero.
 */
public final class Downsampler {
    private Downsampler() {
    }

    /** A point of a series. */
    public record Point(double x, double y) {
    }

    /** The series as drawable segments (split at gaps), at most about maxPoints points in all; x must not decrease. */
    public static List<List<Point>> segments(double[] x, double[] y, int maxPoints) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("x and y differ in length");
        }
        // Each segment gets its share of the budget; 4 points per bucket (first, min, max, last).
        int finite = 0;
        for (double v : y) {
            finite += Double.isFinite(v) ? 1 : 0;
        }
        List<List<Point>> segments = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= y.length; i++) {
            if (i == y.length || !Double.isFinite(y[i])) {
                if (i > start) {
                    int share = finite == 0 ? 0 : (int) Math.max(4, (long) maxPoints * (i - start) / finite);
                    segments.add(thin(x, y, start, i, share));
                }
                start = i + 1;
            }
        }
        return segments;
    }

    /** The points [from, to) thinned to about budget points. */
    private static List<Point> thin(double[] x, double[] y, int from, int to, int budget) {
        int n = to - from;
        List<Point> out = new ArrayList<>();
        if (n <= budget) {
            for (int i = from; i < to; i++) {
                out.add(new Point(x[i], y[i]));
            }
            return out;
        }
        int buckets = Math.max(1, budget / 4);
        for (int b = 0; b < buckets; b++) {
            int lo = from + (int) ((long) n * b / buckets);
            int hi = from + (int) ((long) n * (b + 1) / buckets);
            int min = lo;
            int max = lo;
            for (int i = lo; i < hi; i++) {
                if (y[i] < y[min]) {
                    min = i;
                }
                if (y[i] > y[max]) {
                    max = i;
                }
            }
            int[] keep = {lo, Math.min(min, max), Math.max(min, max), hi - 1};
            int last = -1;
            for (int i : keep) {
                if (i != last && i > last) {
                    out.add(new Point(x[i], y[i]));
                    last = i;
                }
            }
        }
        return out;
    }
}
