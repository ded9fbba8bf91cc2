package dev.exprun.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/** Sorts one page session's DevTools events into what {@link PageLoad} reports, and signals each document's load. */
final class PageEvents {
    private static final Set<String> COMPLAINTS = Set.of("error", "warning", "assert");

    private final List<String> console = new ArrayList<>();
    private final List<String> exceptions = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    /** requestId -> URL, in the order sent. */
    private final Map<String, String> requests = new LinkedHashMap<>();
    // Keyed by loaderId, so a load that lands before Page.navigate has answered is not missed, nor a stale one taken.
    private final Map<String, CompletableFuture<Void>> loads = new ConcurrentHashMap<>();

    synchronized void accept(String method, JsonNode p) {
        switch (method) {
            case "Runtime.consoleAPICalled" -> {
                if (COMPLAINTS.contains(p.path("type").asText())) {
                    console.add("console." + p.path("type").asText() + ": " + StreamSupport.stream(p.path("args").spliterator(), false)
                            .map(a -> a.has("value") ? a.get("value").asText() : a.path("description").asText())
                            .collect(Collectors.joining(" ")));
                }
            }
            case "Runtime.exceptionThrown" -> {
                JsonNode d = p.path("exceptionDetails");
                exceptions.add(d.path("text").asText() + " " + d.path("exception").path("description").asText()
                        + " at " + d.path("url").asText() + ":" + (d.path("lineNumber").asInt() + 1));
            }
            case "Log.entryAdded" -> {
                JsonNode e = p.path("entry");
                if (COMPLAINTS.contains(e.path("level").asText())) {
                    log.add(e.path("level").asText() + " (" + e.path("source").asText() + "): " + e.path("text").asText()
                            + (e.hasNonNull("url") ? " " + e.get("url").asText() : ""));
                }
            }
            case "Network.requestWillBeSent" -> requests.putIfAbsent(p.path("requestId").asText(), p.path("request").path("url").asText());
            case "Page.lifecycleEvent" -> {
                if ("load".equals(p.path("name").asText())) {
                    loaded(p.path("loaderId").asText()).complete(null);
                }
            }
            default -> {
            }
        }
    }

    /** The complaints since the last clear: a click's uncaught exception lands here, not in an earlier PageLoad. */
    synchronized List<String> problems() {
        List<String> all = new ArrayList<>(console);
        all.addAll(exceptions);
        all.addAll(log);
        return all;
    }

    CompletableFuture<Void> loaded(String loaderId) {
        return loads.computeIfAbsent(loaderId, id -> new CompletableFuture<>());
    }

    synchronized void clear() {
        console.clear();
        exceptions.clear();
        log.clear();
        requests.clear();
    }

    /** The document's own request has the navigation's loaderId as its requestId; every other one is the page's doing. */
    synchronized PageLoad toLoad(String url, String loaderId, JsonNode timing) {
        List<String> others = requests.entrySet().stream().filter(r -> !r.getKey().equals(loaderId)).map(Map.Entry::getValue).toList();
        return new PageLoad(url, List.copyOf(console), List.copyOf(exceptions), List.copyOf(log), others,
                timing.path("domContentLoaded").asDouble(), timing.path("loadEventEnd").asDouble(), timing.path("fcp").asDouble());
    }
}
