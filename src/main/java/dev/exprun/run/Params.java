package dev.exprun.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.record.RecordJson;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's params: the POM's {@code <params>} overridden by {@code -Dexp.param.NAME=VALUE}. Values are
 * typed as JSON would read them ("0.01" is a number, "true" a boolean, "[1,2]" a list); anything
 * else stays a string, so the script gets {@code lr} as 0.01, not "0.01".
 */
public final class Params {
    private Params() {
    }

    public static Map<String, Object> merge(Map<String, String> fromPom, Map<String, String> fromCommandLine) {
        Map<String, String> raw = new TreeMap<>(fromPom);
        raw.putAll(fromCommandLine);
        Map<String, Object> typed = new LinkedHashMap<>();
        raw.forEach((name, value) -> typed.put(name, typed(value)));
        return typed;
    }

    static Object typed(String value) {
        if (value == null) {
            return "";
        }
        String v = value.trim();
        if (v.isEmpty() || !(v.equals("true") || v.equals("false") || v.equals("null") || v.startsWith("[")
                || v.startsWith("{") || v.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?"))) {
            return value;
        }
        try {
            JsonNode node = RecordJson.MAPPER.readTree(v);
            return RecordJson.MAPPER.treeToValue(node, Object.class);
        } catch (JsonProcessingException e) {
            return value;
        }
    }
}
