package dev.exprun.testing;

import static dev.exprun.record.RecordJson.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.exprun.record.RecordJson;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The benchmark's page timing: opens an HTML file in headless Chromium (no network) and prints one JSON line, e.g.
 * {@code {"loadEventEndMs":143.3,"domContentLoadedMs":75.3,"firstContentfulPaintMs":192.0,"requests":0,"consoleErrors":0,
 * "proxyConnections":0,"sortClickMs":1.2}}. Exits 1 when the page made a request or complained (console error or warning,
 * exception, error log entry); what it was goes to stderr.
 */
public final class PageTiming {
    // Style and layout are forced inside the bracket (offsetHeight): the click's cost is the re-sorted table laid out.
    private static final String SORT_CLICK = """
            (() => {
              const th = document.querySelector('table.sortable th');
              if (!th) return null;
              const start = performance.now();
              th.dispatchEvent(new MouseEvent('click', {bubbles: true}));
              document.body.offsetHeight;
              return performance.now() - start;
            })()""";

    private PageTiming() {
    }

    public static void main(String[] args) {
        if (args.length != 1 || !Files.isRegularFile(Path.of(args[0]))) {
            System.err.println("usage: PageTiming PAGE.html (an existing file)");
            System.exit(2);
        }
        int exit;
        try (Chromium chromium = Chromium.launch()) {
            PageLoad load = chromium.open(Path.of(args[0]));
            JsonNode click = chromium.evaluate(SORT_CLICK);
            ObjectNode line = MAPPER.createObjectNode()
                    .put("loadEventEndMs", load.loadEventEndMs())
                    .put("domContentLoadedMs", load.domContentLoadedMs())
                    .put("firstContentfulPaintMs", load.firstContentfulPaintMs())
                    .put("requests", load.requests().size())
                    .put("consoleErrors", chromium.problems().size())
                    .put("proxyConnections", chromium.pageProxyConnections().size());
            line.set("sortClickMs", click.isNumber() ? click : MAPPER.nullNode());
            System.out.println(RecordJson.compact(line));
            load.requests().forEach(r -> System.err.println("request: " + r));
            chromium.problems().forEach(p -> System.err.println("complaint: " + p));
            chromium.pageProxyConnections().forEach(c -> System.err.println("proxy: " + c));
            exit = load.requests().isEmpty() && chromium.problems().isEmpty() && !chromium.proxyWasContacted() ? 0 : 1;
        }
        // HttpClient's threads would keep the JVM a while; Chromium is closed by now.
        System.exit(exit);
    }
}
