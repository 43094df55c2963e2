package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * The seeds' clients work unchanged: the requests of each seed document, sent as written there, and the flows of the
 * three tests in 001's test file (create, processing flow, WebSocket), against orderflow in its default mode (every
 * module, the PostgreSQL transport) on the local PostgreSQL. Orders are followed to their end, never waited for.
 */
class SeedClientsIntegrationTest {

    @RegisterExtension
    static final LocalApp local = LocalApp.onPostgresTransport(Map.of());

    @RegisterExtension
    static final LocalApp switchedOff = LocalApp.onPostgresTransport(Map.of("orderflow.compat.enabled", "false"));

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Reply(int status, HttpResponse<String> raw, JsonNode body) {

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    // --- 001: the browser client and test_event_system.py -----------------------------------------------------

    /** test_create_order, with its body as written. */
    @Test
    void createsAnOrderAsSeed001sFirstTestExpects() {
        Reply reply = post("/orders", """
                {
                    "customer_email": "test@example.com",
                    "items": [
                        {
                            "product_id": "PROD-001",
                            "name": "Test Product",
                            "quantity": 2,
                            "price": 10.00
                        }
                    ],
                    "total_amount": 20.00
                }""");

        assertThat(reply.status()).isEqualTo(200);
        JsonNode order = reply.body();
        assertThat(order.path("customer_email").asString()).isEqualTo("test@example.com");
        assertThat(order.path("status").asString()).isEqualTo("pending");
        assertThat(order.has("id")).isTrue();
        // the catalog's prices are charged, not the client's 10.00
        assertThat(order.path("total_amount").isNumber()).isTrue();
        assertThat(order.path("total_amount").decimalValue()).isEqualByComparingTo("1999.98");
        JsonNode item = order.path("items").get(0);
        assertThat(item.path("product_id").asString()).isEqualTo("PROD-001");
        assertThat(item.path("name").asString()).isEqualTo("Laptop");
        assertThat(item.path("price").decimalValue()).isEqualByComparingTo("999.99");
        assertThat(order.path("created_at").asString()).isNotBlank();
    }

    /** test_order_processing_flow: polls until the order has ended instead of sleeping 10 s. */
    @Test
    void processesAnOrderThroughItsStagesAsSeed001sSecondTestExpects() {
        String id = post("/orders", """
                        {
                            "customer_email": "flow@test.com",
                            "items": [
                                {
                                    "product_id": "PROD-002",
                                    "name": "Flow Test",
                                    "quantity": 1,
                                    "price": 50.00
                                }
                            ],
                            "total_amount": 50.00
                        }""").body().path("id").asString();

        JsonNode data = awaitUntil(
                "order " + id + " ends",
                () -> get("/orders/" + id).body(),
                d -> Set.of("completed", "failed")
                        .contains(d.path("order").path("status").asString()));

        assertThat(data.path("events").size()).isGreaterThan(1);
        assertThat(data.path("order").path("status").asString()).isIn("shipping", "completed", "failed");
        assertThat(data.path("order").path("status").asString()).isEqualTo("completed");
        assertThat(data.path("order").path("total_amount").decimalValue()).isEqualByComparingTo("29.99");
        List<String> types = new ArrayList<>();
        for (JsonNode event : data.path("events")) {
            assertThat(event.path("event_type").asString()).isNotBlank();
            assertThat(event.path("status").asString()).isIn("success", "failed", "info");
            assertThat(event.path("message").asString()).isNotBlank();
            assertThat(event.path("timestamp").asString()).isNotBlank();
            types.add(event.path("event_type").asString());
        }
        assertThat(types)
                .containsSubsequence(
                        "order_created",
                        "order_validated",
                        "inventory_reserved",
                        "payment_processed",
                        "shipment_created",
                        "order_completed");
        JsonNode charged = eventOfType(data, "payment_processed");
        assertThat(charged.path("status").asString()).isEqualTo("success");
        assertThat(charged.path("message").asString()).contains("29.99");
    }

    /** test_websocket_updates, and what 001's page then reads: the order first, then one update per change. */
    @Test
    void sendsTheOrderFirstOverTheWebSocketAsSeed001sThirdTestExpects() {
        String id = post("/orders", """
                        {
                            "customer_email": "ws@test.com",
                            "items": [{"product_id": "PROD-001", "name": "WS Test", "quantity": 1, "price": 10.00}],
                            "total_amount": 10.00
                        }""").body().path("id").asString();

        try (LiveClient live = LiveClient.connect(local.app().baseUrl(), "/ws/orders/" + id)) {
            Awaitility.await("the first message").atMost(Duration.ofSeconds(10)).until(() -> !live.messages.isEmpty());
            JsonNode first = live.messages.get(0);
            assertThat(first.path("type").asString()).isEqualTo("status_update");
            assertThat(first.path("order").path("id").asString()).isEqualTo(id);
            // what 001's updateOrderInfo reads
            assertThat(first.path("order").path("customer_email").asString()).isEqualTo("ws@test.com");
            assertThat(first.path("order").path("total_amount").isNumber()).isTrue();
            assertThat(first.path("order").path("status").asString()).isNotBlank();

            Awaitility.await("the update that completes it")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> live.messages.stream()
                            .anyMatch(m -> "completed"
                                    .equals(m.path("order").path("status").asString())));
            assertThat(live.messages.stream().map(m -> m.path("type").asString()))
                    .containsOnly("status_update");
        }
    }

    /** The seed's own demo: "Test with PROD-004 to see inventory failure". */
    @Test
    void showsAnOrderThatIsOutOfStockAsFailedInSeed001sWords() {
        String id = post("/orders", """
                        {"customer_email": "stock@test.com",
                         "items": [{"product_id": "PROD-004", "name": "Monitor", "quantity": 1, "price": 299.99}],
                         "total_amount": 299.99}""").body().path("id").asString();

        JsonNode data = awaitUntil(
                "order " + id + " fails",
                () -> get("/orders/" + id).body(),
                d -> "failed".equals(d.path("order").path("status").asString()));

        assertThat(data.path("order").path("failure_reason").asString()).isEqualTo("insufficient_stock");
        JsonNode unavailable = eventOfType(data, "stock_unavailable");
        assertThat(unavailable.path("status").asString()).isEqualTo("failed");
        assertThat(unavailable.path("message").asString()).contains("PROD-004");
        assertThat(eventOfType(data, "order_failed").path("status").asString()).isEqualTo("failed");
    }

    // --- 004: the order service's README ------------------------------------------------------------------------

    /** The README's curl, as written: {@code laptop} is no SKU of the catalog, so the order fails, with a reason. */
    @Test
    void failsSeed004sLaptopCleanlyWithAReason() {
        Reply created = post("/orders", """
                {
                    "order_id": "ord-001",
                    "customer_id": "cust-123",
                    "items": [
                      {"sku": "laptop", "quantity": 1, "price": 1200.0}
                    ]
                  }""");

        assertThat(created.status()).isEqualTo(200);
        assertThat(created.body().path("order_id").asString()).isEqualTo("ord-001");
        assertThat(created.body().path("customer_id").asString()).isEqualTo("cust-123");
        assertThat(created.body().path("status").asString()).isIn("pending", "failed");

        JsonNode order = awaitUntil(
                "ord-001 ends",
                () -> get("/orders/ord-001").body(),
                o -> Set.of("done", "failed").contains(o.path("status").asString()));

        assertThat(order.path("order_id").asString()).isEqualTo("ord-001");
        assertThat(order.path("customer_id").asString()).isEqualTo("cust-123");
        assertThat(order.path("status").asString()).isEqualTo("failed");
        assertThat(order.path("failure_reason").asString()).isEqualTo("unknown_sku");
        assertThat(order.path("failure_detail").asString()).contains("laptop");
        assertThat(order.path("total_amount").isNumber()).isTrue();
        assertThat(order.path("total_amount").decimalValue()).isEqualByComparingTo("0");
        assertThat(order.path("version").isInt()).isTrue();
    }

    @Test
    void completesASeed004OrderAtTheCatalogsPrice() {
        assertThat(post("/orders", """
                                {"order_id": "ord-002", "customer_id": "cust-123",
                                 "items": [{"sku": "PROD-001", "quantity": 1, "price": 1200.0}]}""").status()).isEqualTo(200);

        JsonNode order = awaitUntil(
                "ord-002 is done",
                () -> get("/orders/ord-002").body(),
                o -> "done".equals(o.path("status").asString()));

        assertThat(order.path("total_amount").decimalValue()).isEqualByComparingTo("999.99");
        assertThat(order.path("version").asInt()).isGreaterThan(1);
        assertThat(order.path("stage").asString()).isEqualTo("completed");
    }

    @Test
    void placesASeed004OrderOnceHoweverOftenItIsSent() {
        String body = """
                {"order_id": "ord-003", "customer_id": "cust-7", "items": [{"sku": "PROD-003", "quantity": 2}]}""";
        Reply first = post("/orders", body);
        long orders = countOrders();

        Reply again = post("/orders", body);

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(countOrders()).isEqualTo(orders);

        Reply other = post("/orders", """
                {"order_id": "ord-003", "customer_id": "cust-7", "items": [{"sku": "PROD-003", "quantity": 3}]}""");

        assertThat(other.status()).isEqualTo(409);
        assertThat(other.header("Content-Type")).startsWith("application/problem+json");
        assertThat(other.body().path("type").asString()).endsWith("/order-id-taken");
        assertThat(countOrders()).isEqualTo(orders);
    }

    @Test
    void answersSeed004sHealthCheck() {
        Reply health = get("/health");

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().path("status").asString()).isEqualTo("UP");
    }

    // --- 003: publish/subscribe basics -------------------------------------------------------------------------

    /** The curl of "Create an Order (Trigger Event)", as written; product 1 is the demo catalog's PROD-001. */
    @Test
    void placesAndProcessesSeed003sOrder() {
        Reply reply = post("/orders", """
                {
                    "user_id": 123,
                    "product_id": 1,
                    "quantity": 2,
                    "price": 999.99
                  }""");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().path("status").asString()).isEqualTo("success");
        JsonNode order = reply.body().path("order");
        assertThat(order.path("user_id").asInt()).isEqualTo(123);
        assertThat(order.path("product_id").asInt()).isEqualTo(1);
        assertThat(order.path("quantity").asInt()).isEqualTo(2);
        assertThat(order.path("sku").asString()).isEqualTo("PROD-001");
        assertThat(order.path("total_amount").decimalValue()).isEqualByComparingTo("1999.98");
        String id = order.path("id").asString();

        JsonNode processed = awaitUntil(
                "order " + id + " is processed",
                () -> get("/orders/" + id).body(),
                o -> "completed".equals(o.path("order").path("status").asString()));
        assertThat(processed.path("status").asString()).isEqualTo("success");
    }

    @Test
    void chargesTheCatalogsPriceWhateverTheClientSaysItCosts() {
        String id = post("/orders", "{\"user_id\": 5, \"product_id\": 3, \"quantity\": 1, \"price\": 1.00}")
                .body()
                .path("order")
                .path("id")
                .asString();

        awaitUntil(
                "order " + id + " is processed",
                () -> get("/orders/" + id).body(),
                o -> "completed".equals(o.path("order").path("status").asString()));

        JsonNode history = get("/api/orders/" + id).body().path("events");
        JsonNode charge = null;
        for (JsonNode event : history) {
            if ("payment_charged".equals(event.path("type").asString())) {
                charge = event;
            }
        }
        assertThat(charge).isNotNull();
        assertThat(charge.path("details").path("amount").decimalValue()).isEqualByComparingTo("79.99");
    }

    /** 003 and 004 send no e-mail address: the order keeps none, and nobody is written to. */
    @Test
    void keepsNoAddressAndSendsNoMessageForAnOrderPlacedWithoutOne() {
        post(
                "/orders",
                "{\"order_id\": \"ord-004\", \"customer_id\": \"c\", \"items\": [{\"sku\": \"PROD-002\", "
                        + "\"quantity\": 1}]}");
        awaitUntil(
                "ord-004 is done",
                () -> get("/orders/ord-004").body(),
                o -> "done".equals(o.path("status").asString()));
        String id = local.app()
                .jdbc()
                .sql("select order_id from compat.seed_order where public_id = 'ord-004'")
                .query(String.class)
                .single();

        assertThat(local.app()
                        .jdbc()
                        .sql("select count(*) from orders.purchase_order where id = ? and customer_email is null")
                        .param(id)
                        .query(Long.class)
                        .single())
                .isEqualTo(1L);
        assertThat(local.app()
                        .jdbc()
                        .sql("select count(*) from notification.notification where order_id = ?")
                        .param(id)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    // --- one endpoint for all of them, as strict as the order API where it matters -------------------------------

    @Test
    void refusesABodyInNoSeedsWordsAndListsWhatIsExpected() {
        for (String body : List.of("{}", "{\"items\": [{\"sku\": \"PROD-001\", \"quantity\": 1}]}")) {
            Reply reply = post("/orders", body);

            assertThat(reply.status()).as(body).isEqualTo(400);
            assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
            assertThat(reply.body().path("type").asString()).endsWith("/unrecognised-order");
            List<String> seeds = new ArrayList<>();
            reply.body()
                    .path("expected")
                    .forEach(shape -> seeds.add(shape.path("seed").asString()));
            assertThat(seeds).containsExactly("001", "003", "004");
        }
        Reply mixed = post("/orders", """
                {"customer_email": "a@example.com", "order_id": "x", "items": [{"sku": "PROD-001", "quantity": 1}]}""");
        assertThat(mixed.status()).isEqualTo(400);
        assertThat(mixed.body().path("detail").asString()).contains("001 and 004");
    }

    @Test
    void namesTheMissingOrMalformedFieldsOfASeedsBody() {
        assertThat(errorFields(post("/orders", "{\"customer_email\": \"a@example.com\"}")))
                .containsExactly("items");
        assertThat(errorFields(post("/orders", "{\"order_id\": \"ord-9\", \"items\": [{\"quantity\": 1}]}")))
                .containsExactlyInAnyOrder("customer_id", "items[0].sku");
        assertThat(errorFields(post("/orders", "{\"user_id\": 1, \"product_id\": 1, \"quantity\": 1.5}")))
                .containsExactly("quantity");
        assertThat(errorFields(post("/orders", "{\"user_id\": 1, \"product_id\": [1], \"quantity\": 1}")))
                .containsExactly("product_id");
        assertThat(errorFields(post(
                        "/orders",
                        "{\"order_id\": \"ord-9\", \"customer_id\": \"c\\u0000\", \"items\": [{\"sku\": \"PROD-001\","
                                + " \"quantity\": 1}]}")))
                .containsExactly("customer_id");
        // a price is the client's, never charged, but still a sane number: no exponent a server could choke on
        assertThat(errorFields(post(
                        "/orders",
                        "{\"customer_email\": \"a@example.com\", \"items\": [{\"product_id\": \"PROD-001\", "
                                + "\"quantity\": 1, \"price\": 1e999999999}]}")))
                .containsExactly("items[0].price");
        assertThat(errorFields(post("/orders", "{\"customer_email\": \"nobody\", \"items\": []}")))
                .containsExactlyInAnyOrder("customer_email", "items");
        assertThat(post("/orders", "not json").status()).isEqualTo(400);
    }

    @Test
    void acceptsTheFieldsTheSeedsClientsAddAndIgnoresThem() {
        Reply reply = post("/orders", """
                {"customer_email": "extra@test.com", "coupon": "SAVE10",
                 "items": [{"product_id": "PROD-003", "name": "Keyboard", "colour": "black", "quantity": 1,
                            "price": 0.01}],
                 "total_amount": 0.01}""");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().path("total_amount").decimalValue()).isEqualByComparingTo("79.99");
    }

    @Test
    void answersAnOrderItDoesNotKnowWith404() {
        Reply reply = get("/orders/no-such-order");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void limitsTheSeedsClientsLikeTheOrderApi() {
        Reply placed = post("/orders", "{\"user_id\": 1, \"product_id\": 2, \"quantity\": 1}");
        Reply read = get("/orders/" + placed.body().path("order").path("id").asString());

        assertThat(placed.header("RateLimit-Policy")).startsWith("\"place-order\"");
        assertThat(read.header("RateLimit-Policy")).startsWith("\"reads\"");
    }

    @Test
    void closesTheSeedsPathsWhenSwitchedOff() {
        String base = switchedOff.app().baseUrl();

        assertThat(send(base, "POST", "/orders", "{\"user_id\": 1, \"product_id\": 1, \"quantity\": 1}")
                        .status())
                .isEqualTo(401);
        assertThat(send(base, "GET", "/health", null).status()).isEqualTo(401);
        assertThat(send(base, "GET", "/api/health", null).status()).isEqualTo(200);
        assertThat(switchedOff
                        .app()
                        .jdbc()
                        .sql("select count(*) from information_schema.schemata where schema_name = 'compat'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private static Reply post(String path, String json) {
        return send(local.app().baseUrl(), "POST", path, json);
    }

    private static Reply get(String path) {
        return send(local.app().baseUrl(), "GET", path, null);
    }

    private static Reply send(String base, String method, String path, String json) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = response.body().isEmpty() ? NullNode.getInstance() : OrderApi.JSON.readTree(response.body());
            } catch (RuntimeException e) {
                body = NullNode.getInstance();
            }
            return new Reply(response.statusCode(), response, body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode awaitUntil(String what, Supplier<JsonNode> read, Predicate<JsonNode> done) {
        return Awaitility.await(what)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(read::get, done::test);
    }

    private static JsonNode eventOfType(JsonNode data, String type) {
        for (JsonNode event : data.path("events")) {
            if (type.equals(event.path("event_type").asString())) {
                return event;
            }
        }
        throw new AssertionError("no " + type + " event in " + data);
    }

    private static List<String> errorFields(Reply reply) {
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        reply.body()
                .path("errors")
                .forEach(error -> fields.add(error.path("field").asString()));
        return fields;
    }

    private static long countOrders() {
        return local.app()
                .jdbc()
                .sql("select count(*) from orders.purchase_order")
                .query(Long.class)
                .single();
    }
}
