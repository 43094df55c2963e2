package io.orderflow.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;

/** A WebSocket client that records what the server pushes, as a browser would receive it. */
final class LiveClient implements WebSocket.Listener, AutoCloseable {

    final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    /** Connects without a token (a guest; authenticates later with {@link #send}, or not at all). */
    static LiveClient connect(String baseUrl, String path) {
        return connect(baseUrl, path, null);
    }

    /** Connects with {@code token} on the upgrade request (how non-browser clients authenticate). */
    static LiveClient connect(String baseUrl, String path, String token) {
        LiveClient client = new LiveClient();
        WebSocket.Builder builder =
                HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        client.socket = builder.buildAsync(URI.create(baseUrl.replace("http://", "ws://") + path), client)
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
        return client;
    }

    /** Sends a text message (the authentication message of a browser-like client). */
    void send(String text) {
        socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(OrderApi.JSON.readTree(partial.toString()));
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.completeExceptionally(error);
    }

    /** Every history event received so far, from the first message ("events") and each update, in arrival order. */
    List<JsonNode> events() {
        List<JsonNode> events = new ArrayList<>();
        for (JsonNode message : messages) {
            if (message.has("events")) {
                message.get("events").forEach(events::add);
            }
            if (message.has("event")) {
                events.add(message.get("event"));
            }
        }
        return events;
    }

    List<Integer> sequences() {
        return events().stream().map(e -> e.path("sequence").asInt()).toList();
    }

    void awaitEventType(String type) {
        Awaitility.await("live event " + type)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> events().stream()
                        .anyMatch(e -> type.equals(e.path("type").asString())));
    }

    /** Drops the connection without a goodbye, as a network failure would. */
    void drop() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }
}
