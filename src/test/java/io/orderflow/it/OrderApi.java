package io.orderflow.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/** The order API over real HTTP, as a client would use it. */
final class OrderApi {

    record Response(int status, Map<String, List<String>> headers, JsonNode body) {

        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .findFirst()
                    .map(e -> e.getValue().get(0))
                    .orElse(null);
        }

        String id() {
            return body.get("id").asString();
        }
    }

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    /** The access token sent with every request; null for a guest. */
    private final Supplier<String> bearer;
    /** The order tokens of the guest orders this client placed, sent when it reads or cancels them. */
    private final Map<String, String> orderTokens = new ConcurrentHashMap<>();

    /** A client acting as the operator, whose token comes from the same base URL. */
    OrderApi(String baseUrl) {
        this(baseUrl, () -> TestTokens.operator(baseUrl));
    }

    private OrderApi(String baseUrl, Supplier<String> bearer) {
        this.baseUrl = baseUrl;
        this.bearer = bearer;
    }

    /** A guest: no access token. */
    static OrderApi guest(String baseUrl) {
        return new OrderApi(baseUrl, () -> null);
    }

    /** The operator, with a token from the token endpoint at {@code tokenUrl} (the customer module's process). */
    static OrderApi operatorVia(String baseUrl, String tokenUrl) {
        return new OrderApi(baseUrl, () -> TestTokens.operator(tokenUrl));
    }

    /** A client that sends {@code token} (a customer's, or an operator token from elsewhere). */
    static OrderApi withToken(String baseUrl, String token) {
        return new OrderApi(baseUrl, () -> token);
    }

    String orderToken(String orderId) {
        return orderTokens.get(orderId);
    }

    String baseUrl() {
        return baseUrl;
    }

    Response place(String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/orders"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Response place(String body, String idempotencyKey) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/orders"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Places an order and returns its id, failing unless it was accepted. */
    String placeAccepted(String body) {
        Response response = place(body);
        if (response.status() != 202) {
            throw new AssertionError("expected 202 but got " + response.status() + ": " + response.body());
        }
        return response.id();
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    Response get(String path, String header, String value) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header(header, value)
                .GET());
    }

    JsonNode order(String id) {
        return get("/api/orders/" + id).body();
    }

    Response cancel(String id) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/orders/" + id + "/cancel"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** Waits, with a deadline, until the order reaches {@code status}; returns it. */
    JsonNode awaitStatus(String id, String status) {
        return Awaitility.await("order " + id + " reaches " + status)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(25))
                .until(() -> order(id), o -> status.equals(o.path("status").asString()));
    }

    /** Waits until the order's history holds an event of this type (e.g. a compensation's reply). */
    JsonNode awaitEvent(String id, String type) {
        return Awaitility.await("order " + id + " records " + type)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(25))
                .until(() -> order(id), o -> Orders.eventTypes(o).contains(type));
    }

    private Response send(HttpRequest.Builder request) {
        try {
            String token = bearer.get();
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
            String path = built.uri().getPath();
            if (path.startsWith("/api/orders/")) {
                String id = path.substring("/api/orders/".length()).replaceFirst("/cancel$", "");
                String orderToken = orderTokens.get(id);
                if (orderToken != null) {
                    built = HttpRequest.newBuilder(built, (name, value) -> true)
                            .header("Order-Token", orderToken)
                            .build();
                }
            }
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? NullNode.getInstance() : JSON.readTree(response.body());
            if (body.has("order_token") && body.has("id")) {
                orderTokens.put(
                        body.get("id").asString(), body.get("order_token").asString());
            }
            return new Response(response.statusCode(), response.headers().map(), body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Order bodies in the domain's words. */
    static final class Orders {

        private Orders() {}

        static String of(String sku, int quantity) {
            return anOrder(item(sku, quantity), null, null);
        }

        static String item(String sku, int quantity) {
            return "{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}";
        }

        static String anOrder(String items, String cardToken, String country) {
            StringBuilder body = new StringBuilder("{\"customer_email\":\"customer@example.com\",\"items\":[")
                    .append(items)
                    .append("]");
            if (cardToken != null) {
                body.append(",\"payment\":{\"card_token\":\"").append(cardToken).append("\"}");
            }
            if (country != null) {
                body.append(",\"shipping_address\":{\"line1\":\"1 Main St\",\"city\":\"Springfield\",\"country\":\"")
                        .append(country)
                        .append("\"}");
            }
            return body.append("}").toString();
        }

        static List<String> eventTypes(JsonNode order) {
            List<String> types = new ArrayList<>();
            order.path("events").forEach(e -> types.add(e.path("type").asString()));
            return types;
        }
    }
}
