package dev.exprun.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.record.RecordJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's metrics.jsonl as series: per numeric field, its values by step ({@code step} when the line has one, else
 * the line's number). NaN and Infinity (written by Python's json) stay as they are: the chart shows them as gaps.
 * A line that is not JSON (the last one of a killed run, cut in the middle) is skipped.
 */
public record MetricSeries(String metric, double[] x, double[] y) {

    public static Map<String, MetricSeries> read(Path file) throws IOException {
        Map<String, List<double[]>> points = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = RecordJson.MAPPER.readTree(line);
                } catch (IOException e) {
                    continue;
                }
                if (node == null || !node.isObject()) {
                    continue;
                }
                double step = node.path("step").isNumber() ? node.get("step").asDouble() : number;
                for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = fields.next();
                    Double value = number(f.getValue());
                    if (!f.getKey().equals("step") && value != null) {
                        points.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(new double[] {step, value});
                    }
                }
            }
        }
        Map<String, MetricSeries> series = new LinkedHashMap<>();
        points.forEach((metric, list) -> {
            double[] x = new double[list.size()];
            double[] y = new double[list.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = list.get(i)[0];
                y[i] = list.get(i)[1];
            }
            series.put(metric, new MetricSeries(metric, x, y));
        });
        return series;
    }

    private static Double number(JsonNode v) {
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isTextual()) {
            return switch (v.asText()) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> null;
            };
        }
        return null;
    }
}
