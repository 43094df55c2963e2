package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Who may do what, over real HTTP and WebSocket: every endpoint and socket against every kind of caller, from no
 * token through forged ones to customer A, customer B and the operator. Besides the status, no answer to anyone
 * but A and the operator may carry anything of A's order or account.
 */
class SecurityMatrixIntegrationTest {

    @RegisterExtension
    static final LocalApp local = LocalApp.onPostgresTransport(Map.of("orderflow.live.auth-timeout", "1s"));

    /** The callers: the forged ones are signed with the real key (or claim to be) but must all be refused. */
    enum Who {
        NO_TOKEN,
        EXPIRED,
        WRONG_SIGNATURE,
        ALG_NONE,
        WRONG_AUDIENCE,
        WRONG_ISSUER,
        ALG_CONFUSION,
        TAMPERED,
        CUSTOMER_A,
        CUSTOMER_B,
        OPERATOR;

        boolean forged() {
            return this != NO_TOKEN && this != CUSTOMER_A && this != CUSTOMER_B && this != OPERATOR;
        }
    }

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Map<Who, String> tokens = new EnumMap<>(Who.class);
    static String base;
    static String emailA;
    static String customerA;
    static String customerB;
    static String orderA;
    static String orderB;
    static String guestOrder;
    static String chosenIdGuestOrder;
    static String chosenIdGuestToken;
    /** Orders placed by the seeds' clients' path ({@code POST /orders}): one of A's, and a guest's by 004's own id. */
    static String seedOrderA;

    static String seedGuestOrder;
    /** What only A and the operator may ever see: A's e-mail address and A's tracking number. */
    static List<String> secretsOfA;

    @BeforeAll
    static void customersAndOrders() throws Exception {
        base = local.app().baseUrl();
        emailA = "alice-" + System.nanoTime() + "@example.com";
        String emailB = "bob-" + System.nanoTime() + "@example.com";
        customerA = TestTokens.register(base, emailA, "Alice").path("id").asString();
        customerB = TestTokens.register(base, emailB, "Bob").path("id").asString();
        tokens.put(Who.CUSTOMER_A, TestTokens.customer(base, emailA));
        tokens.put(Who.CUSTOMER_B, TestTokens.customer(base, emailB));
        tokens.put(Who.OPERATOR, TestTokens.operator(base));
        ForgedTokens forged = ForgedTokens.from(local.app().jdbc());
        List<String> operator = List.of("operator");
        tokens.put(Who.EXPIRED, forged.expired("operator", operator));
        tokens.put(Who.WRONG_SIGNATURE, forged.wrongSignature("operator", operator));
        tokens.put(Who.ALG_NONE, forged.unsigned("operator", operator));
        tokens.put(Who.WRONG_AUDIENCE, forged.wrongAudience("operator", operator));
        tokens.put(Who.WRONG_ISSUER, forged.wrongIssuer("operator", operator));
        tokens.put(Who.ALG_CONFUSION, forged.algorithmConfusion("operator", operator));
        tokens.put(Who.TAMPERED, forged.tampered(tokens.get(Who.CUSTOMER_A)));

        OrderApi alice = OrderApi.withToken(base, tokens.get(Who.CUSTOMER_A));
        orderA = alice.placeAccepted(anOrder(emailA));
        orderB = OrderApi.withToken(base, tokens.get(Who.CUSTOMER_B)).placeAccepted(anOrder(emailB));
        OrderApi guest = OrderApi.guest(base);
        guestOrder = guest.placeAccepted(anOrder("guest@example.com"));
        chosenIdGuestOrder = "guest-chosen-" + System.nanoTime();
        OrderApi.Response chosen = guest.place("{\"order_id\":\"" + chosenIdGuestOrder
                + "\",\"customer_email\":\"guest@example.com\",\"items\":[{\"sku\":\"PROD-002\",\"quantity\":1}]}");
        assertThat(chosen.status()).isEqualTo(202);
        chosenIdGuestToken = chosen.body().path("order_token").asString();
        seedOrderA = OrderApi.JSON
                .readTree(send("POST", "/orders", seedOrder(emailA), tokens.get(Who.CUSTOMER_A))
                        .body())
                .path("id")
                .asString();
        seedGuestOrder = "seed-guest-" + System.nanoTime();
        assertThat(send(
                                "POST",
                                "/orders",
                                "{\"order_id\":\"" + seedGuestOrder + "\",\"customer_id\":\"c-1\","
                                        + "\"items\":[{\"sku\":\"PROD-002\",\"quantity\":1}]}",
                                null)
                        .statusCode())
                .isEqualTo(200);
        JsonNode completed = alice.awaitStatus(orderA, "completed");
        secretsOfA = List.of(emailA, completed.path("tracking_number").asString());
        OrderApi.operatorVia(base, base).awaitStatus(orderB, "completed");
    }

    static String anOrder(String email) {
        return "{\"customer_email\":\"" + email + "\",\"items\":[{\"sku\":\"PROD-003\",\"quantity\":1}],"
                + "\"shipping_address\":{\"line1\":\"1 Main St\",\"city\":\"Springfield\",\"country\":\"US\"}}";
    }

    /** An order as seed 001's page sends it to {@code POST /orders}. */
    static String seedOrder(String email) {
        return "{\"customer_email\":\"" + email + "\",\"items\":[{\"product_id\":\"PROD-003\",\"name\":\"Keyboard\","
                + "\"quantity\":1,\"price\":79.99}],\"total_amount\":79.99}";
    }

    /** One row of the matrix: a request and the status each valid caller gets (forged tokens always get 401). */
    record Row(String method, String path, String body, int noToken, int customerA, int customerB, int operator) {

        int expectedFor(Who who) {
            return switch (who) {
                case NO_TOKEN -> noToken;
                case CUSTOMER_A -> customerA;
                case CUSTOMER_B -> customerB;
                case OPERATOR -> operator;
                default -> 401;
            };
        }
    }

    static List<Row> rows() {
        return List.of(
                new Row("GET", "/api/orders/" + orderA, null, 404, 200, 404, 200),
                new Row("GET", "/api/orders/" + orderA + "/status", null, 404, 200, 404, 200),
                // time travel: the same rules as the plain read
                new Row("GET", "/api/orders/" + orderA + "?at_sequence=1", null, 404, 200, 404, 200),
                new Row("GET", "/api/orders/" + orderA + "?as_of=2999-01-01T00:00:00Z", null, 404, 200, 404, 200),
                new Row("POST", "/api/orders/" + orderA + "/cancel", null, 404, 409, 404, 409),
                new Row("GET", "/api/orders/" + orderB, null, 404, 404, 200, 200),
                new Row("GET", "/api/orders/" + guestOrder, null, 200, 200, 200, 200),
                new Row("GET", "/api/orders/" + chosenIdGuestOrder, null, 404, 404, 404, 200),
                new Row("GET", "/api/orders", null, 401, 403, 403, 200),
                new Row("GET", "/api/orders?customer_email=" + emailA, null, 401, 403, 403, 200),
                new Row("POST", "/api/orders", anOrder("someone@example.com"), 202, 202, 202, 202),
                // the seeds' clients' paths: the same ownership rules, decided by the order module
                new Row("GET", "/orders/" + seedOrderA, null, 404, 200, 404, 200),
                new Row("GET", "/orders/" + seedGuestOrder, null, 200, 200, 200, 200),
                new Row("POST", "/orders", seedOrder("someone@example.com"), 200, 200, 200, 200),
                new Row("GET", "/health", null, 200, 200, 200, 200),
                new Row("GET", "/api/customers/me", null, 401, 200, 200, 403),
                new Row("GET", "/api/customers/me/orders", null, 401, 200, 200, 403),
                new Row("GET", "/api/customers/" + customerA, null, 401, 200, 404, 200),
                new Row("GET", "/api/notifications?order_id=" + orderA, null, 401, 403, 403, 200),
                // the mailbox: every customer's messages
                new Row("GET", "/api/notifications", null, 401, 403, 403, 200),
                new Row("GET", "/api/dead-letters", null, 401, 403, 403, 200),
                new Row("GET", "/api/dead-letters/counts", null, 401, 403, 403, 200),
                new Row("POST", "/api/dead-letters/redrive", "{\"limit\":1}", 401, 403, 403, 200),
                new Row("GET", "/api/operations/saga", null, 401, 403, 403, 200),
                // an order's timeline: every module's messages for it, operators only (not even the owner)
                new Row("GET", "/api/orders/" + orderA + "/timeline", null, 401, 403, 403, 200),
                new Row("GET", "/api/orders/" + guestOrder + "/timeline", null, 401, 403, 403, 200),
                // analytics and the projections behind them: the whole shop's figures, operators only
                new Row("GET", "/api/analytics/outcomes", null, 401, 403, 403, 200),
                new Row("GET", "/api/analytics/orders?granularity=hour", null, 401, 403, 403, 200),
                new Row("GET", "/api/projections", null, 401, 403, 403, 200),
                new Row("POST", "/api/projections/analytics/replay", null, 401, 403, 403, 200),
                // the chaos controls exist only with orderflow.chaos.controls-enabled (ChaosControlsIntegrationTest)
                new Row("GET", "/api/chaos/faults", null, 401, 403, 403, 404),
                new Row("POST", "/api/chaos/faults/duplicate", null, 401, 403, 403, 404),
                new Row("GET", "/api/auth/keys", null, 401, 403, 403, 200),
                new Row("GET", "/actuator/prometheus", null, 401, 403, 403, 200),
                new Row("GET", "/actuator/metrics", null, 401, 403, 403, 200),
                new Row("GET", "/actuator/health/readiness", null, 200, 200, 200, 200),
                new Row("GET", "/api/products", null, 200, 200, 200, 200),
                new Row("GET", "/api/products?sku=PROD-001,PROD-002", null, 200, 200, 200, 200),
                new Row("GET", "/.well-known/jwks.json", null, 200, 200, 200, 200),
                new Row("GET", "/", null, 200, 200, 200, 200),
                new Row("GET", "/app/main.js", null, 200, 200, 200, 200),
                new Row("GET", "/shared/http.js", null, 200, 200, 200, 200),
                new Row("GET", "/ops/main.js", null, 200, 200, 200, 200),
                new Row("GET", "/shared/waterfall.css", null, 200, 200, 200, 200),
                new Row("GET", "/no/such/path", null, 401, 403, 403, 404));
    }

    @TestFactory
    Stream<DynamicTest> answersEveryEndpointForEveryCallerAndShowsNobodyElseAnythingOfAlices() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Row row : rows()) {
            for (Who who : Who.values()) {
                tests.add(DynamicTest.dynamicTest(row.method() + " " + row.path() + " as " + who, () -> {
                    HttpResponse<String> response = send(row.method(), row.path(), row.body(), tokens.get(who));
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(row.expectedFor(who));
                    if (who != Who.CUSTOMER_A && who != Who.OPERATOR) {
                        for (String secret : secretsOfA) {
                            assertThat(response.body()).doesNotContain(secret);
                        }
                    }
                    if (response.statusCode() >= 400 && !row.path().startsWith("/no/")) {
                        assertThat(response.headers().firstValue("Content-Type").orElse(""))
                                .startsWith("application/problem+json");
                    }
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void listsACustomersOwnOrdersOnlyAndOpensAClientChosenGuestOrderOnlyWithItsToken() throws Exception {
        JsonNode mine = OrderApi.withToken(base, tokens.get(Who.CUSTOMER_A))
                .get("/api/customers/me/orders")
                .body();
        assertThat(mine.path("items"))
                .extracting(o -> o.path("id").asString())
                .contains(orderA)
                .doesNotContain(orderB, guestOrder, chosenIdGuestOrder);

        assertThat(sendWithOrderToken("GET", chosenIdGuestOrder, chosenIdGuestToken)
                        .statusCode())
                .isEqualTo(200);
        assertThat(sendWithOrderToken("GET", chosenIdGuestOrder, "not-the-token")
                        .statusCode())
                .isEqualTo(404);
        // an order token opens its own order only
        assertThat(sendWithOrderToken("GET", orderA, chosenIdGuestToken).statusCode())
                .isEqualTo(404);
    }

    @Test
    void neverAnswersNotModifiedToSomeoneWhoMayNotSeeTheOrder() throws Exception {
        for (String path : List.of("/api/orders/" + orderA, "/api/orders/" + orderA + "/status")) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                    .header("If-None-Match", "*")
                    .header("Authorization", "Bearer " + tokens.get(Who.CUSTOMER_B))
                    .GET()
                    .build();
            assertThat(HTTP.send(request, HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .isEqualTo(404);
        }
    }

    @Test
    void refusesAClientChosenIdThatIsTakenWithoutShowingTheOrder() throws Exception {
        String body = "{\"order_id\":\"" + chosenIdGuestOrder
                + "\",\"customer_email\":\"mallory@example.com\",\"items\":[{\"sku\":\"PROD-002\",\"quantity\":1}]}";

        HttpResponse<String> taken = send("POST", "/api/orders", body, tokens.get(Who.CUSTOMER_B));

        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(taken.body()).contains("order-id-taken").doesNotContain("guest@example.com");
    }

    @Test
    void ignoresNothingAClientMayNotSetButRefusesIt() throws Exception {
        for (String extra : List.of(
                "\"status\":\"completed\"",
                "\"total_amount\":0.01",
                "\"version\":99",
                "\"customer_id\":\"" + customerA + "\"",
                "\"id\":\"x\"",
                "\"payment_id\":\"ch_1\"")) {
            String body = "{\"customer_email\":\"m@example.com\",\"items\":[{\"sku\":\"PROD-001\",\"quantity\":1}],"
                    + extra + "}";
            HttpResponse<String> response = send("POST", "/api/orders", body, tokens.get(Who.CUSTOMER_B));
            assertThat(response.statusCode()).as(extra).isEqualTo(400);
            assertThat(response.body()).contains("is not a known field");
        }
        HttpResponse<String> price = send(
                "POST",
                "/api/orders",
                "{\"customer_email\":\"m@example.com\",\"items\":[{\"sku\":\"PROD-001\",\"quantity\":1,\"line_total\":1}]}",
                null);
        assertThat(price.statusCode()).isEqualTo(400);

        String email = "mallory-" + System.nanoTime() + "@example.com";
        HttpResponse<String> registration = send(
                "POST",
                "/api/customers",
                "{\"email\":\"" + email + "\",\"password\":\"" + TestTokens.PASSWORD
                        + "\",\"name\":\"Mallory\",\"roles\":[\"operator\"]}",
                null);
        assertThat(registration.statusCode()).isEqualTo(400);
        TestTokens.register(base, email, "Mallory");
        String token = TestTokens.customer(base, email);
        assertThat(send("GET", "/api/orders", null, token).statusCode()).isEqualTo(403);
        assertThat(claims(token).path("roles")).extracting(JsonNode::asString).containsExactly("customer");
    }

    @Test
    void letsOnlyTheOwnerAndOperatorsWatchAnOrderLive() throws Exception {
        String path = "/ws/orders/" + orderA;
        try (LiveClient owner = LiveClient.connect(base, path, tokens.get(Who.CUSTOMER_A));
                LiveClient operator = LiveClient.connect(base, path, tokens.get(Who.OPERATOR))) {
            awaitSnapshot(owner);
            awaitSnapshot(operator);
        }
        try (LiveClient other = LiveClient.connect(base, path, tokens.get(Who.CUSTOMER_B))) {
            assertThat(other.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(4404);
            assertThat(other.messages).isEmpty();
        }
        // a browser authenticates in its first message
        try (LiveClient browser = LiveClient.connect(base, path)) {
            browser.send("{\"type\":\"auth\",\"access_token\":\"" + tokens.get(Who.CUSTOMER_A) + "\"}");
            awaitSnapshot(browser);
        }
        try (LiveClient browser = LiveClient.connect(base, path)) {
            browser.send("{\"type\":\"auth\",\"access_token\":\"" + tokens.get(Who.CUSTOMER_B) + "\"}");
            assertThat(browser.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(4404);
        }
        try (LiveClient forged = LiveClient.connect(base, path)) {
            forged.send("{\"type\":\"auth\",\"access_token\":\"" + tokens.get(Who.ALG_NONE) + "\"}");
            assertThat(forged.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(4401);
        }
        // a socket that never authenticates is closed after the time limit
        try (LiveClient silent = LiveClient.connect(base, path)) {
            assertThat(silent.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(4401);
            assertThat(silent.messages).isEmpty();
        }
        for (Who who : Who.values()) {
            if (who.forged()) {
                assertThatThrownBy(() -> LiveClient.connect(base, path, tokens.get(who)))
                        .as("upgrade with a %s token", who)
                        .isInstanceOf(CompletionException.class)
                        .hasCauseInstanceOf(WebSocketHandshakeException.class);
            }
        }
    }

    @Test
    void feedsEveryOrderToOperatorsAndOnlyTheirOwnToCustomers() throws Exception {
        try (LiveClient alice = LiveClient.connect(base, "/ws/orders", tokens.get(Who.CUSTOMER_A));
                LiveClient operator = LiveClient.connect(base, "/ws/orders", tokens.get(Who.OPERATOR));
                LiveClient guest = LiveClient.connect(base, "/ws/orders")) {
            awaitSnapshot(alice);
            awaitSnapshot(operator);
            assertThat(alice.messages.get(0).path("orders"))
                    .extracting(o -> o.path("id").asString())
                    .contains(orderA)
                    .doesNotContain(orderB, guestOrder);
            assertThat(operator.messages.get(0).path("orders"))
                    .extracting(o -> o.path("id").asString())
                    .contains(orderA, orderB);

            String newB = OrderApi.withToken(base, tokens.get(Who.CUSTOMER_B)).placeAccepted(anOrder("b@example.com"));
            String newA = OrderApi.withToken(base, tokens.get(Who.CUSTOMER_A)).placeAccepted(anOrder(emailA));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> updatedIds(operator).containsAll(List.of(newA, newB)));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> updatedIds(alice).contains(newA));
            assertThat(updatedIds(alice)).doesNotContain(newB);

            assertThat(guest.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(4401);
        }
    }

    private static List<String> updatedIds(LiveClient client) {
        return client.messages.stream()
                .filter(m -> "order_update".equals(m.path("type").asString()))
                .map(m -> m.path("order").path("id").asString())
                .toList();
    }

    /** The first message of a socket: the feed's snapshot, or an order's status_update with its history. */
    private static void awaitSnapshot(LiveClient client) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> client.messages.stream()
                        .anyMatch(m -> "snapshot".equals(m.path("type").asString()) || m.has("events")));
    }

    static JsonNode claims(String token) {
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        return OrderApi.JSON.readTree(payload);
    }

    static HttpResponse<String> sendWithOrderToken(String method, String orderId, String orderToken) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/api/orders/" + orderId))
                        .header("Order-Token", orderToken)
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> send(String method, String path, String body, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
