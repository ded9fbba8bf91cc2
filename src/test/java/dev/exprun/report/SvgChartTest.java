package dev.exprun.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Axis labels a person reads, ticks on round numbers, and a chart that says when it has nothing to draw. */
class SvgChartTest {
    @Test
    void labelsHaveNoTrailingZerosAndAtMostFourDigits() {
        assertEquals(List.of("0.001", "12.5", "3000", "0.3333", "1.50e-06", "-2"),
                List.of(SvgChart.label(0.001), SvgChart.label(12.5), SvgChart.label(3000), SvgChart.label(1 / 3.0), SvgChart.label(1.5e-6),
                        SvgChart.label(-2)));
    }

    @Test
    void ticksAreRoundOnBothScales() {
        assertEquals(List.of(0.0, 20.0, 40.0, 60.0, 80.0, 100.0), new SvgChart.Scale(0, 100, 0, 1, false).ticks());
        assertEquals(List.of(0.001, 0.01, 0.1, 1.0), new SvgChart.Scale(0.0005, 2, 0, 1, true).ticks());
    }

    @Test
    void aMetricWithNoFiniteValueSaysSo() {
        String svg = SvgChart.render("loss", List.of(new SvgChart.Curve("run-1",
                new MetricSeries("loss", new double[] {1, 2}, new double[] {Double.NaN, Double.NaN}))));
        assertTrue(svg.contains(">no finite values</text>"), svg);
    }
}
