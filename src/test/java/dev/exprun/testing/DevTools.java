package dev.exprun.testing;

import static dev.exprun.record.RecordJson.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One WebSocket to Chromium's DevTools browser endpoint, with flat sessions: a command is answered by its id, every event
 * goes to one listener. Every wait is bounded and its failure names what was awaited.
 */
final class DevTools implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** sessionId is null for the browser's own events. */
    record Event(String sessionId, String method, JsonNode params) {
    }

    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final Consumer<Event> events;
    private final WebSocket socket;
    private volatile String closedBecause;

    private DevTools(URI endpoint, Consumer<Event> events) {
        this.events = events;
        this.socket = await(HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(endpoint, new Listener()),
                "the DevTools WebSocket " + endpoint + " to open");
    }

    static DevTools connect(URI endpoint, Consumer<Event> events) {
        return new DevTools(endpoint, events);
    }

    /** Sends a command (sessionId null: to the browser) and waits for its result. */
    JsonNode send(String sessionId, String method, ObjectNode params) {
        return await(sendAsync(sessionId, method, params), method + "'s answer");
    }

    CompletableFuture<JsonNode> sendAsync(String sessionId, String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        ObjectNode message = MAPPER.createObjectNode().put("id", id).put("method", method);
        message.set("params", params == null ? MAPPER.createObjectNode() : params);
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        if (closedBecause != null) {
            answer.completeExceptionally(new IllegalStateException(method + ": " + closedBecause));
            return answer;
        }
        // The JDK's WebSocket takes one outstanding send at a time.
        synchronized (socket) {
            await(socket.sendText(message.toString(), true), "sending " + method);
        }
        return answer;
    }

    static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Chromium: waited " + TIMEOUT.toSeconds() + " s for " + what + ", in vain", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Chromium: " + what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        }
    }

    private void dispatch(String text) {
        JsonNode message;
        try {
            message = MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("Chromium sent what is not JSON: " + text, e);
        }
        if (message.has("id")) {
            CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
            if (answer != null && message.has("error")) {
                answer.completeExceptionally(new IllegalStateException(message.get("error").toString()));
            } else if (answer != null) {
                answer.complete(message.path("result"));
            }
        } else {
            String session = message.hasNonNull("sessionId") ? message.get("sessionId").asText() : null;
            events.accept(new Event(session, message.path("method").asText(), message.path("params")));
        }
    }

    private void closed(String why) {
        closedBecause = why;
        pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException(why)));
    }

    @Override
    public void close() {
        closed("the DevTools connection is closed");
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        // A screenshot arrives as many frames: the message is whole only at `last`.
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                dispatch(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed("Chromium closed the DevTools connection (" + statusCode + " " + reason + ")");
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed("the DevTools connection failed: " + error);
        }
    }
}
