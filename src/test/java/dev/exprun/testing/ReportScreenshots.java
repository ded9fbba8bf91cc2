package dev.exprun.testing;

import java.nio.file.Path;

/**
 * The README's pictures of a report: {@code ReportScreenshots PAGE.html DIR PREFIX [WIDTH]} writes one PNG per view
 * (PREFIX + runs, curves, sweeps, timeline, details) from headless Chromium, with no network.
 */
public final class ReportScreenshots {
    private ReportScreenshots() {
    }

    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: ReportScreenshots PAGE.html DIR PREFIX [WIDTH]");
            System.exit(2);
        }
        try (Chromium chromium = Chromium.launch()) {
            chromium.open(Path.of(args[0]));
            chromium.captureEachView(Path.of(args[1]), args[2], args.length > 3 ? Integer.parseInt(args[3]) : 1000)
                    .forEach(p -> System.out.println(p));
        }
        System.exit(0);
    }
}
