package dev.exprun.sweep;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Turns checked dimensions into param sets, one per trial, each a LinkedHashMap in dimension order. */
final class TrialExpansion {
    private TrialExpansion() {
    }

    /** The cartesian product; the first dimension varies slowest, as people read a grid. */
    static List<Map<String, String>> grid(List<Dimension> dimensions) {
        List<Map<String, String>> trials = List.of(new LinkedHashMap<>());
        for (Dimension dimension : dimensions) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> trial : trials) {
                for (String value : dimension.values()) {
                    Map<String, String> params = new LinkedHashMap<>(trial);
                    params.put(dimension.name(), value);
                    next.add(params);
                }
            }
            trials = next;
        }
        return frozen(trials);
    }

    /** Draws trial by trial, dimension by dimension, so adding samples keeps the earlier ones. */
    static List<Map<String, String>> random(List<Dimension> dimensions, int samples, long seed) {
        Random random = new Random(seed);
        List<Map<String, String>> trials = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            Map<String, String> params = new LinkedHashMap<>();
            for (Dimension dimension : dimensions) {
                params.put(dimension.name(),
                        dimension.isDrawn() ? dimension.distribution().draw(random) : dimension.values().get(0));
            }
            trials.add(params);
        }
        return frozen(trials);
    }

    static List<Map<String, String>> frozen(List<Map<String, String>> trials) {
        return trials.stream().map(Collections::unmodifiableMap).toList();
    }
}
