package dev.exprun.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * What a page did while it loaded in Chromium: its complaints (console errors and warnings, uncaught exceptions, the
 * browser's own error and warning log entries), every request it made beyond its own document, and the browser's timings
 * in milliseconds from the navigation's start.
 */
public record PageLoad(String url, List<String> consoleMessages, List<String> exceptions, List<String> logEntries,
                       List<String> requests, double domContentLoadedMs, double loadEventEndMs, double firstContentfulPaintMs) {

    /** Every complaint, of all three kinds. */
    public List<String> problems() {
        List<String> all = new ArrayList<>(consoleMessages);
        all.addAll(exceptions);
        all.addAll(logEntries);
        return all;
    }
}
