package dev.exprun.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.report.Downsampler.Point;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The downsampler keeps every extreme, keeps x in order, and breaks the line at NaN and Infinity. */
class DownsamplerTest {
    private static double[] steps(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        return x;
    }

    @Test
    void aSingleSpikeInAMillionPointsSurvivesAndXStaysInOrder() {
        int n = 1_000_000;
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = 1.0 + Math.sin(i / 1000.0) * 0.01;
        }
        y[654_321] = 50.0; // the loss spike random sampling would hide
        y[123_456] = -7.0;
        List<List<Point>> segments = Downsampler.segments(steps(n), y, 2000);
        assertEquals(1, segments.size());
        List<Point> points = segments.get(0);
        assertTrue(points.size() <= 2000, "at most the budget: " + points.size());
        assertTrue(points.contains(new Point(654_321, 50.0)), "the maximum is kept");
        assertTrue(points.contains(new Point(123_456, -7.0)), "the minimum is kept");
        assertEquals(new Point(0, y[0]), points.get(0));
        assertEquals(new Point(n - 1, y[n - 1]), points.get(points.size() - 1));
        for (int i = 1; i < points.size(); i++) {
            assertTrue(points.get(i).x() > points.get(i - 1).x(), "x increases at " + i);
        }
    }

    @Test
    void nanAndInfinityAreGapsNeverZeros() {
        double[] y = {1, 2, Double.NaN, 4, 5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 8};
        List<List<Point>> segments = Downsampler.segments(steps(y.length), y, 2000);
        assertEquals(List.of(List.of(new Point(0, 1), new Point(1, 2)), List.of(new Point(3, 4), new Point(4, 5)), List.of(new Point(7, 8))),
                segments);
        assertEquals(List.of(), Downsampler.segments(steps(2), new double[] {Double.NaN, Double.NaN}, 2000));
    }

    @Test
    void aShortSeriesIsDrawnAsIs() {
        double[] y = {3, 1, 2};
        assertEquals(List.of(List.of(new Point(0, 3), new Point(1, 1), new Point(2, 2))), Downsampler.segments(steps(3), y, 2000));
    }
}
