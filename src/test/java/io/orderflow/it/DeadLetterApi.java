package io.orderflow.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/** The dead-letter API over real HTTP, as an operator's tool would use it. */
final class DeadLetterApi {

    record Response(int status, String contentType, JsonNode body) {}

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    private final String tokenUrl;

    /** An operator's tool; its token comes from the same base URL. */
    DeadLetterApi(String baseUrl) {
        this(baseUrl, baseUrl);
    }

    /** An operator's tool whose token comes from {@code tokenUrl} (the customer module's process). */
    DeadLetterApi(String baseUrl, String tokenUrl) {
        this.baseUrl = baseUrl;
        this.tokenUrl = tokenUrl;
    }

    /** GET /api/dead-letters with the given query parameters (name → value). */
    Response list(Map<String, String> query) {
        String q = query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return get("/api/dead-letters" + (q.isEmpty() ? "" : "?" + q));
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    Response inspect(String module, long id) {
        return get("/api/dead-letters/" + module + "/" + id);
    }

    Response redrive(String module, long id, String operator) {
        return post("/api/dead-letters/" + module + "/" + id + "/redrive", null, operator);
    }

    Response discard(String module, long id, String body, String operator) {
        return post("/api/dead-letters/" + module + "/" + id + "/discard", body, operator);
    }

    Response redriveAll(String filter, String operator) {
        return post("/api/dead-letters/redrive", filter, operator);
    }

    /** Waits until exactly {@code count} dead letters match the query; returns the listing. */
    JsonNode awaitListed(Map<String, String> query, int count) {
        Map<String, String> q = new LinkedHashMap<>(query);
        q.putIfAbsent("size", "200");
        return Awaitility.await("dead letters " + query + " number " + count)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> list(q).body(), b -> b.path("total_elements").asLong() == count);
    }

    private Response post(String path, String body, String operator) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (operator != null) {
            request.header("X-Operator", operator);
        }
        return send(request);
    }

    private Response send(HttpRequest.Builder request) {
        try {
            request.header("Authorization", "Bearer " + TestTokens.operator(tokenUrl));
            HttpResponse<String> response =
                    http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            JsonNode body = response.body().isEmpty() || !contentType.contains("json")
                    ? NullNode.getInstance()
                    : OrderApi.JSON.readTree(response.body());
            return new Response(response.statusCode(), contentType, body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
