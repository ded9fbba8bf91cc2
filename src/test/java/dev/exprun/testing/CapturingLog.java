package dev.exprun.testing;

import dev.exprun.core.ExpLog;
import java.util.ArrayList;
import java.util.List;

/** Keeps every line logged, prefixed with its level, for assertions on exact log lines. */
public final class CapturingLog implements ExpLog {
    private final List<String> lines = new ArrayList<>();

    @Override
    public synchronized void info(String message) {
        lines.add("INFO " + message);
    }

    @Override
    public synchronized void warn(String message) {
        lines.add("WARN " + message);
    }

    @Override
    public synchronized void debug(String message) {
        lines.add("DEBUG " + message);
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    public synchronized List<String> containerLines() {
        return lines.stream().filter(l -> l.startsWith("INFO [out] ") || l.startsWith("INFO [err] "))
                .map(l -> l.substring(11)).toList();
    }

    public synchronized boolean contains(String fragment) {
        return lines.stream().anyMatch(l -> l.contains(fragment));
    }
}
