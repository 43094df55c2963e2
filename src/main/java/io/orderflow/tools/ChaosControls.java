package io.orderflow.tools;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * The application's runtime chaos controls ({@code /api/chaos/faults}, on because the harness starts it with
 * {@code orderflow.chaos.controls-enabled=true}) and its dead-letter API, called as the operator with the client
 * secret the harness gave the application. For the nemeses that switch a fault inside the running process.
 */
final class ChaosControls {

    private final String baseUrl;
    /** Where the operator signs in: the process itself, or the customer module's process in distributed mode. */
    private final String tokenUrl;

    private final String operatorSecret;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile String token;

    ChaosControls(String baseUrl, String operatorSecret) {
        this(baseUrl, baseUrl + "/api/auth/token", operatorSecret);
    }

    ChaosControls(String baseUrl, String tokenUrl, String operatorSecret) {
        this.baseUrl = baseUrl;
        this.tokenUrl = tokenUrl;
        this.operatorSecret = operatorSecret;
    }

    /** Switches {@code fault} on (or does a one-shot fault); returns the controls' answer. */
    JsonNode inject(String fault, Map<String, String> parameters) throws IOException {
        String query = new TreeMap<>(parameters)
                .entrySet().stream()
                        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                        .collect(Collectors.joining("&"));
        return call("POST", "/api/chaos/faults/" + fault + (query.isEmpty() ? "" : "?" + query), null, 200);
    }

    JsonNode heal(String fault) throws IOException {
        return call("DELETE", "/api/chaos/faults/" + fault, null, 200);
    }

    /** Every runtime fault this process offers ({@code GET /api/chaos/faults}). */
    JsonNode list() throws IOException {
        return call("GET", "/api/chaos/faults", null, 200);
    }

    JsonNode fault(String fault) throws IOException {
        return call("GET", "/api/chaos/faults/" + fault, null, 200);
    }

    /**
     * Discards the parked dead letters of {@code module} whose message ids are in {@code messageIds} (the poison the
     * harness injected and the checker has accounted for), through the operator's dead-letter API; returns how many.
     */
    int discard(String module, Collection<UUID> messageIds, String reason) throws IOException {
        Set<String> wanted = messageIds.stream().map(UUID::toString).collect(Collectors.toSet());
        List<Long> ids = new ArrayList<>();
        JsonNode page = call("GET", "/api/dead-letters?status=parked&size=200&module=" + encode(module), null, 200);
        for (JsonNode item : page.path("items")) {
            if (wanted.contains(item.path("message_id").asString())) {
                ids.add(item.path("id").asLong());
            }
        }
        String body = Report.JSON.writeValueAsString(Map.of("reason", reason));
        for (long id : ids) {
            call("POST", "/api/dead-letters/" + encode(module) + "/" + id + "/discard", body, 200);
        }
        return ids.size();
    }

    private JsonNode call(String method, String path, String body, int expected) throws IOException {
        HttpResponse<String> response = send(method, path, body, operatorToken(false));
        if (response.statusCode() == 401) { // a restarted application: sign in again
            response = send(method, path, body, operatorToken(true));
        }
        if (response.statusCode() != expected) {
            throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return Report.JSON.readTree(response.body());
    }

    private HttpResponse<String> send(String method, String path, String body, String bearer) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + bearer)
                .header("X-Operator", "chaos harness");
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private String operatorToken(boolean fresh) throws IOException {
        if (token != null && !fresh) {
            return token;
        }
        token = signIn();
        return token;
    }

    /**
     * The status this process answers {@code GET /api/chaos/faults} with {@code bearer} (no second sign-in on a 401):
     * whether it accepts a token, e.g. one the customer process issued while one of their clocks was skewed.
     */
    int answerTo(String bearer) throws IOException {
        return send("GET", "/api/chaos/faults", null, bearer).statusCode();
    }

    /** A fresh operator token from the sign-in endpoint, not kept for this controls' own calls. */
    String signIn() throws IOException {
        try {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create(tokenUrl))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "grant_type=client_credentials&client_id=operator&client_secret="
                                            + encode(operatorSecret)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IOException("operator sign-in answered " + answer.statusCode() + ": " + answer.body());
            }
            return Report.JSON.readTree(answer.body()).path("access_token").asString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
