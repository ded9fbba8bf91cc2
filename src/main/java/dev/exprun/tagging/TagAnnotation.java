package dev.exprun.tagging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A model tag's message: a first line a person reads ({@code model 1.0: val_acc=0.932 f1=0.897}),
 * the metrics one per line, then a fenced JSON block that baseline gates and history read back.
 * Only what the record already holds goes in, and the record holds no secrets.
 */
public final class TagAnnotation {
    static final String FENCE_OPEN = "```json exprun";
    static final String FENCE_CLOSE = "```";
    static final String SCHEMA = "exprun.tag/v1";

    private TagAnnotation() {
    }

    /** artifacts: classifier.type -> {coordinates, sha256}, as attached by the build. */
    public static String write(RunRecord run, List<Map<String, String>> artifacts) {
        Map<String, Double> metrics = run.metrics() == null ? Map.of() : run.metrics();
        String summary = metrics.entrySet().stream().map(e -> e.getKey() + "=" + number(e.getValue()))
                .collect(Collectors.joining(" "));
        StringBuilder text = new StringBuilder();
        text.append(run.project().artifactId()).append(' ').append(run.project().version())
                .append(summary.isEmpty() ? "" : ": " + summary).append("\n\n");
        metrics.forEach((k, v) -> text.append(k).append(": ").append(number(v)).append('\n'));
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("schema", SCHEMA);
        block.put("runId", run.runId());
        if (run.cachedFrom() != null) {
            block.put("cachedFrom", run.cachedFrom()); // the run that trained the model this tag names
        }
        block.put("commit", run.git().commit());
        block.put("image", Map.of("reference", run.image().reference(), "digest", run.image().digest()));
        block.put("params", run.params());
        block.put("metrics", metrics);
        block.put("artifacts", artifacts);
        text.append('\n').append(fenced(block));
        return text.toString();
    }

    /** A JSON block fenced as tag messages carry it, so that {@link #read} finds it (exp tags, archive tags). */
    public static String fenced(Map<String, Object> block) {
        return FENCE_OPEN + "\n" + RecordJson.compact(block) + "\n" + FENCE_CLOSE + "\n";
    }

    /** The JSON block of a tag message, if it has one. */
    public static Optional<JsonNode> read(String message) {
        int open = message.indexOf(FENCE_OPEN + "\n");
        if (open < 0) {
            return Optional.empty();
        }
        int start = open + FENCE_OPEN.length() + 1;
        int close = message.indexOf("\n" + FENCE_CLOSE, start);
        if (close < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(RecordJson.MAPPER.readTree(message.substring(start, close)));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    private static String number(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? String.valueOf(v) : String.format(Locale.ROOT, "%s", v);
    }
}
