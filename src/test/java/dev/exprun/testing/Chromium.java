package dev.exprun.testing;

import static dev.exprun.record.RecordJson.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * A real headless Chromium, driven over the DevTools protocol, with no way to the network. Chromium's own background
 * traffic (the component updater, the sign-in account check: no flag turns all of it off) goes to one dead proxy, given on
 * the command line; the page lives in a browser context of its own whose proxy is a second dead proxy, so that every
 * connection on {@link #pageProxyConnections()} is the page's doing.
 */
public final class Chromium implements AutoCloseable {
    /** Debian's package; EXP_TEST_CHROMIUM or -Dexp.test.chromium name another. */
    public static final String DEFAULT_PATH = "/usr/bin/chromium";

    private final DeadProxy browserProxy = new DeadProxy();
    private final DeadProxy pageProxy = new DeadProxy();
    private final PageEvents events = new PageEvents();
    private final ChromiumProcess process;
    private final DevTools devTools;
    private final String session;

    private Chromium(Path executable) {
        try {
            process = ChromiumProcess.start(executable, browserProxy.port());
        } catch (RuntimeException e) {
            browserProxy.close();
            pageProxy.close();
            throw e;
        }
        try {
            devTools = DevTools.connect(process.devToolsEndpoint(), this::onEvent);
            session = openPage();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Starts Chromium; fails (never skips) when it is not installed, naming the fix. */
    public static Chromium launch() {
        Path executable = Path.of(configuredPath());
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException("No Chromium at " + executable + " (EXP_TEST_CHROMIUM or -Dexp.test.chromium, default "
                    + DEFAULT_PATH + "): run scripts/test-engine.sh as root, which installs Debian's chromium package");
        }
        return new Chromium(executable);
    }

    private static String configuredPath() {
        String property = System.getProperty("exp.test.chromium");
        String env = System.getenv("EXP_TEST_CHROMIUM");
        return property != null && !property.isBlank() ? property : env != null && !env.isBlank() ? env : DEFAULT_PATH;
    }

    /** A page in a fresh browser context that sends everything to the page's dead proxy, loopback included. */
    private String openPage() {
        String context = devTools.send(null, "Target.createBrowserContext", params()
                .put("proxyServer", "http://127.0.0.1:" + pageProxy.port()).put("proxyBypassList", "<-loopback>")
                .put("disposeOnDetach", true)).path("browserContextId").asText();
        String target = devTools.send(null, "Target.createTarget", params().put("url", "about:blank").put("browserContextId", context))
                .path("targetId").asText();
        String id = devTools.send(null, "Target.attachToTarget", params().put("targetId", target).put("flatten", true))
                .path("sessionId").asText();
        for (String domain : List.of("Runtime", "Log", "Network", "Page")) {
            devTools.send(id, domain + ".enable", null);
        }
        devTools.send(id, "Page.setLifecycleEventsEnabled", params().put("enabled", true));
        return id;
    }

    private void onEvent(DevTools.Event event) {
        if (event.sessionId() != null && event.sessionId().equals(session)) {
            events.accept(event.method(), event.params());
        }
    }

    /** Opens the file, waits for its load event and its first contentful paint; what it did on the way. */
    public PageLoad open(Path html) {
        String url = html.toAbsolutePath().toUri().toString();
        events.clear();
        JsonNode navigation = devTools.send(session, "Page.navigate", params().put("url", url));
        if (navigation.hasNonNull("errorText")) {
            throw new IllegalStateException("Chromium could not open " + url + ": " + navigation.get("errorText").asText());
        }
        String loaderId = navigation.path("loaderId").asText();
        DevTools.await(events.loaded(loaderId), "the load event of " + url);
        return events.toLoad(url, loaderId, evaluate(TIMING, "the load's timings and first contentful paint of " + url));
    }

    // After the load event, loadEventEnd is set once the handlers have run; the first contentful paint may follow the load.
    private static final String TIMING = """
            new Promise(resolve => {
              const nav = performance.getEntriesByType('navigation')[0];
              const done = fcp => nav.loadEventEnd > 0
                ? resolve({domContentLoaded: nav.domContentLoadedEventEnd, loadEventEnd: nav.loadEventEnd, fcp})
                : setTimeout(() => done(fcp));
              new PerformanceObserver((list, observer) => {
                const fcp = list.getEntriesByName('first-contentful-paint')[0];
                if (fcp) { observer.disconnect(); done(fcp.startTime); }
              }).observe({type: 'paint', buffered: true});
            })""";

    /** The expression's value (a promise is awaited), as JSON; a thrown exception fails with its text. */
    public JsonNode evaluate(String expression) {
        return evaluate(expression, "Runtime.evaluate's answer");
    }

    private JsonNode evaluate(String expression, String what) {
        JsonNode answer = DevTools.await(devTools.sendAsync(session, "Runtime.evaluate", params().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true)), what);
        if (answer.has("exceptionDetails")) {
            JsonNode d = answer.get("exceptionDetails");
            throw new IllegalStateException("the page threw " + d.path("exception").path("description").asText(d.path("text").asText())
                    + " evaluating " + expression);
        }
        return answer.path("result").path("value");
    }

    /** "dark" or "light": what the page's prefers-color-scheme media queries see from now on. */
    public void emulateColorScheme(String scheme) {
        ObjectNode feature = params().put("name", "prefers-color-scheme").put("value", scheme);
        ObjectNode p = params();
        p.putArray("features").add(feature);
        devTools.send(session, "Emulation.setEmulatedMedia", p);
    }

    /** A viewport of this width and the page's whole height (measured at this width), so that one capture takes it all. */
    public int fitViewport(int width) {
        setViewport(width, 800);
        int height = evaluate("document.documentElement.scrollHeight").asInt();
        setViewport(width, height);
        return height;
    }

    private void setViewport(int width, int height) {
        devTools.send(session, "Emulation.setDeviceMetricsOverride", params().put("width", width).put("height", height)
                .put("deviceScaleFactor", 1).put("mobile", false));
    }

    /** The whole page at this width, as a PNG. */
    public void screenshot(Path png, int width) {
        fitViewport(width);
        capture(png, null);
    }

    /** The viewport, or the clip of it (x, y, width, height in CSS pixels), as a PNG; call {@link #fitViewport} first. */
    public void capture(Path png, double[] clip) {
        ObjectNode p = params().put("format", "png");
        if (clip != null) {
            p.putObject("clip").put("x", clip[0]).put("y", clip[1]).put("width", clip[2]).put("height", clip[3]).put("scale", 1);
        }
        byte[] image = Base64.getDecoder().decode(devTools.send(session, "Page.captureScreenshot", p).path("data").asText());
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            Files.write(png, image);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
    }

    /**
     * One PNG per view of the page, named prefix + the view's id (report-runs.png, ...): a view runs from an
     * {@code h2[id]} to the next one, at the given width. Returns the files written.
     */
    public List<Path> captureEachView(Path dir, String prefix, int width) {
        fitViewport(width);
        JsonNode regions = evaluate("""
                (() => {
                  const heads = [...document.querySelectorAll('h2[id]')];
                  const top = e => e.getBoundingClientRect().top + window.scrollY;
                  const end = document.documentElement.scrollHeight;
                  return heads.map((e, i) => {
                    const y = top(e), bottom = i + 1 < heads.length ? top(heads[i + 1]) : end;
                    return {id: e.id, y, width: document.documentElement.clientWidth, height: bottom - y};
                  });
                })()""");
        List<Path> files = new java.util.ArrayList<>();
        for (JsonNode r : regions) {
            if (r.get("height").asDouble() <= 0) {
                throw new IllegalStateException("view " + r.get("id").asText() + " has no height: " + r);
            }
            Path png = dir.resolve(prefix + r.get("id").asText() + ".png");
            capture(png, new double[] {0, r.get("y").asDouble(), r.get("width").asDouble(), r.get("height").asDouble()});
            files.add(png);
        }
        return files;
    }

    /** Every complaint since the page was opened, those after its load (a click's exception) included. */
    public List<String> problems() {
        return events.problems();
    }

    /** The request line of every connection the page's proxy got: with a self-contained page, none. */
    public List<String> pageProxyConnections() {
        return pageProxy.connections();
    }

    public boolean proxyWasContacted() {
        return !pageProxy.connections().isEmpty();
    }

    /** Chromium's own background connections (not the page's), for a diagnosis. */
    public List<String> browserProxyConnections() {
        return browserProxy.connections();
    }

    @Override
    public void close() {
        try {
            process.stop(() -> {
                if (devTools != null) {
                    devTools.sendAsync(null, "Browser.close", null);
                }
            });
        } finally {
            if (devTools != null) {
                devTools.close();
            }
            browserProxy.close();
            pageProxy.close();
        }
    }

    private static ObjectNode params() {
        return MAPPER.createObjectNode();
    }
}
