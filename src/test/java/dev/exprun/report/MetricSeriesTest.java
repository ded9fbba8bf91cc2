package dev.exprun.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.jsonl as exprun.log and other loggers write it, and as a killed run leaves it. */
class MetricSeriesTest {
    @TempDir
    Path tmp;

    @Test
    void readsEachNumericFieldByStepKeepingNanAndInfinityAndSkippingWhatIsNoJson() throws Exception {
        Path file = tmp.resolve("metrics.jsonl");
        Files.writeString(file, String.join("\n", List.of(
                "{\"step\": 10, \"loss\": 1.5, \"phase\": \"train\", \"lr\": 3}",
                "{\"step\": 20, \"loss\": NaN, \"extra\": {\"loss\": 99}}",
                "",
                "not json",
                "{\"loss\": \"Infinity\", \"lr\": -Infinity}",
                "{\"step\": 40, \"loss\": 0.2")));
        Map<String, MetricSeries> series = MetricSeries.read(file);
        assertEquals(List.of("loss", "lr"), List.copyOf(series.keySet()), "numbers only; a nested object is no metric");
        MetricSeries loss = series.get("loss");
        // The line without a step takes its line number (5); the cut last line is skipped.
        assertArrayEquals(new double[] {10, 20, 5}, loss.x());
        assertArrayEquals(new double[] {1.5, Double.NaN, Double.POSITIVE_INFINITY}, loss.y());
        assertArrayEquals(new double[] {10, 5}, series.get("lr").x());
        assertArrayEquals(new double[] {3, Double.NEGATIVE_INFINITY}, series.get("lr").y());
    }

    @Test
    void theHandScannersNumbersAreExactlyWhatDoubleParseDoubleReads() {
        java.util.Random random = new java.util.Random(15);
        for (int i = 0; i < 100_000; i++) {
            double v = switch (i % 4) {
                case 0 -> random.nextDouble();
                case 1 -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(12));
                case 2 -> random.nextInt(1_000_000) / 1000.0;
                default -> random.nextDouble() * 1e-6;
            };
            for (String text : List.of(Double.toString(v), String.format(java.util.Locale.ROOT, "%.6f", v),
                    String.format(java.util.Locale.ROOT, "%.5e", v))) {
                Double fast = FlatLine.number(text);
                if (fast != null) {
                    assertEquals(Double.parseDouble(text), fast, text);
                }
            }
        }
        assertEquals(0.1, FlatLine.number("0.1"));
        assertEquals(-3e-4, FlatLine.number("-3e-4"));
        assertEquals(null, FlatLine.number("1.23456789012345678"), "over 15 digits: left to Double.parseDouble");
        assertEquals(null, FlatLine.number("NaN"));
        assertEquals(null, FlatLine.number("1e400"));
    }
}
