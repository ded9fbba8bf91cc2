package dev.exprun.metrics;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpFailure;
import dev.exprun.record.RecordJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads {@code metrics.json}: a flat object of metric name to number. NaN and Infinity, as Python's
 * json module writes them, are kept as such.
 */
public final class MetricsReader {
    private static final String FIX = "write metrics.json as one flat JSON object of numbers, e.g. "
            + "json.dump({\"val_acc\": 0.93, \"loss\": 0.12}, f)";

    private MetricsReader() {
    }

    /** Empty when the file does not exist; a malformed file is the project's fault. */
    public static Map<String, Double> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        JsonNode root;
        try {
            root = RecordJson.MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ExpFailure("The metrics file " + file + " is not valid JSON" + where + ": " + e.getOriginalMessage(), FIX, e);
        } catch (IOException e) {
            throw new ExpError("Cannot read the metrics file " + file + ": " + e.getMessage(), "check the file's permissions", e);
        }
        if (root == null || !root.isObject()) {
            throw new ExpFailure("The metrics file " + file + " must hold a JSON object, found "
                    + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase()) + ".", FIX);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            metrics.put(field.getKey(), number(file, field.getKey(), field.getValue()));
        }
        return metrics;
    }

    private static double number(Path file, String name, JsonNode value) {
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isTextual()) {
            switch (value.asText()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new ExpFailure("The metric '" + name + "' in " + file + " is " + value.getNodeType().toString().toLowerCase()
                + " " + value + ", not a number.", FIX);
    }
}
