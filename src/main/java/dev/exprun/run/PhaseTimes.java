package dev.exprun.run;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** How long each phase of a run took, for the debug log: where a build's seconds go. */
final class PhaseTimes {
    private final Map<String, Long> millis = new ConcurrentHashMap<>();
    private final long start = System.nanoTime();

    <T> T time(String phase, Supplier<T> work) {
        long t0 = System.nanoTime();
        try {
            return work.get();
        } finally {
            millis.merge(phase, (System.nanoTime() - t0) / 1_000_000, Long::sum);
        }
    }

    String summary() {
        return millis.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + e.getValue() + " ms").collect(Collectors.joining(", "))
                + "; total " + (System.nanoTime() - start) / 1_000_000 + " ms";
    }
}
