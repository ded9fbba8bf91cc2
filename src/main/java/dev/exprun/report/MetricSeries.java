package dev.exprun.report;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.exprun.record.RecordJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's metrics.jsonl as series: per numeric field, its values by step ({@code step} when the line has one, else
 * the line's number). NaN and Infinity (written by Python's json) stay as they are: the chart shows them as gaps.
 * A line that is not JSON (the last one of a killed run, cut in the middle) is skipped.
 */
public record MetricSeries(String metric, double[] x, double[] y) {

    public static Map<String, MetricSeries> read(Path file) throws IOException {
        Map<String, Points> points = new LinkedHashMap<>();
        Map<String, Double> line = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int number = 0;
            while ((text = in.readLine()) != null) {
                number++;
                if (text.isBlank() || !(FlatLine.scan(text, line) || parse(text, line))) {
                    continue;
                }
                Double step = line.remove("step");
                double x = step != null && Double.isFinite(step) ? step : number;
                line.forEach((metric, value) -> points.computeIfAbsent(metric, k -> new Points()).add(x, value));
            }
        }
        Map<String, MetricSeries> series = new LinkedHashMap<>();
        points.forEach((metric, p) -> series.put(metric, new MetricSeries(metric, Arrays.copyOf(p.x, p.size), Arrays.copyOf(p.y, p.size))));
        return series;
    }

    /**
     * One line's numeric top-level fields into values (cleared first); false when the line is no JSON object. A
     * streaming parse, no tree: a report reads hundreds of thousands of lines per run.
     */
    private static boolean parse(String text, Map<String, Double> values) {
        values.clear();
        try (JsonParser p = RecordJson.MAPPER.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
                    values.put(name, p.getDoubleValue());
                } else if (v == JsonToken.VALUE_STRING) {
                    Double special = FlatLine.special(p.getText());
                    if (special != null) {
                        values.put(name, special);
                    }
                } else if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                    p.skipChildren();
                }
            }
            return true;
        } catch (IOException e) {
            return false; // cut in the middle (a killed run's last line), or no JSON at all
        }
    }

    /** A growing pair of primitive arrays: no boxing per point. */
    private static final class Points {
        double[] x = new double[1024];
        double[] y = new double[1024];
        int size;

        void add(double px, double py) {
            if (size == x.length) {
                x = Arrays.copyOf(x, size * 2);
                y = Arrays.copyOf(y, size * 2);
            }
            x[size] = px;
            y[size++] = py;
        }
    }
}
