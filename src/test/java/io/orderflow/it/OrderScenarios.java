package io.orderflow.it;

import static io.orderflow.it.OrderApi.Orders.anOrder;
import static io.orderflow.it.OrderApi.Orders.eventTypes;
import static io.orderflow.it.OrderApi.Orders.item;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.it.OrderApi.Response;
import io.orderflow.payment.SlowCards;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * What a customer sees, over real HTTP, identical in both run modes: each subclass starts orderflow one
 * way and these scenarios must hold for it.
 */
abstract class OrderScenarios {

    abstract OrderApi api();

    /** Read access to every module's tables, for checking effects (the tests may look; modules may not). */
    abstract JdbcClient database();

    /** The apps that run the payment module (one, or competing instances). */
    abstract List<RunningApp> paymentApps();

    /** Holds {@code tok_slow} charges in every payment app until released (see {@link SlowCards}). */
    SlowCards holdSlowCards() {
        return SlowCards.hold(paymentApps().stream()
                .<Function<Class<?>, Object>>map(app -> app::bean)
                .toList());
    }

    abstract boolean postgresBroker();

    /** An operator token, from wherever this mode serves the token endpoint. */
    String operatorToken() {
        return TestTokens.operator(api().baseUrl());
    }

    @Test
    void completesAnOrderTakingStockOnceAndChargingOnce() {
        Map<String, Integer> before = settledStock("PROD-003");
        String id = api().placeAccepted(anOrder(item("PROD-003", 2), "tok_visa", "US"));

        JsonNode order = api().awaitStatus(id, "completed");

        assertThat(order.path("total_amount").decimalValue()).isEqualByComparingTo("159.98");
        assertThat(order.path("tracking_number").asString()).startsWith("TRK");
        assertThat(eventTypes(order))
                .containsExactly(
                        "order_placed",
                        "fulfilment_started",
                        "order_validated",
                        "stock_reserved",
                        "payment_charged",
                        "shipment_created",
                        "order_completed");
        assertGapFree(order);
        awaitUntilAsserted(() -> assertThat(stock("PROD-003"))
                .containsEntry("available", before.get("available") - 2)
                .containsEntry("reserved", before.get("reserved"))
                .containsEntry("shipped", before.get("shipped") + 2));
        // the catalog's read model hears the new level in the inventory's next batch of stock levels
        awaitUntilAsserted(() -> assertThat(catalogAvailable("PROD-003")).isEqualTo(before.get("available") - 2));
        assertThat(payments(id)).singleElement().satisfies(p -> {
            assertThat(p.get("status")).isEqualTo("charged");
            assertThat((BigDecimal) p.get("amount")).isEqualByComparingTo("159.98");
        });
        awaitUntilAsserted(() -> assertThat(database()
                        .sql("select count(*) from notification.notification where order_id = ?")
                        .param(id)
                        .query(Long.class)
                        .single())
                .isEqualTo(2L));
    }

    @Test
    void failsAtInventoryForAProductWithoutStockAndChargesNothing() {
        String id = api().placeAccepted(OrderApi.Orders.of("PROD-004", 1));

        JsonNode order = api().awaitStatus(id, "failed");

        assertThat(order.path("failure_reason").asString()).isEqualTo("insufficient_stock");
        assertThat(eventTypes(order)).contains("stock_unavailable").doesNotContain("payment_charged");
        assertThat(payments(id)).isEmpty();
    }

    @Test
    void failsOnADeclinedCardAndReleasesTheStock() {
        Map<String, Integer> before = settledStock("PROD-001");
        String id = api().placeAccepted(anOrder(item("PROD-001", 1), "tok_chargeDeclined", null));

        JsonNode order = api().awaitEvent(id, "stock_released");

        assertThat(order.path("status").asString()).isEqualTo("failed");
        assertThat(order.path("failure_reason").asString()).isEqualTo("payment_declined");
        assertThat(stock("PROD-001")).isEqualTo(before);
        assertThat(payments(id))
                .singleElement()
                .satisfies(p -> assertThat(p.get("status")).isEqualTo("declined"));
    }

    @Test
    void refundsAndReleasesWhenShippingFails() {
        Map<String, Integer> before = settledStock("PROD-002");
        String id = api().placeAccepted(anOrder(item("PROD-002", 3), "tok_visa", "ZZ"));

        api().awaitEvent(id, "payment_refunded");
        JsonNode order = api().awaitEvent(id, "stock_released");

        assertThat(order.path("status").asString()).isEqualTo("failed");
        assertThat(order.path("failure_reason").asString()).isEqualTo("shipping_failed");
        assertThat(stock("PROD-002")).isEqualTo(before);
        assertThat(payments(id)).singleElement().satisfies(p -> {
            assertThat(p.get("status")).isEqualTo("refunded");
            assertThat((BigDecimal) p.get("refunded_amount")).isEqualByComparingTo("89.97");
        });
        assertGapFree(order);
    }

    @Test
    void cancelsBeforeShippingAndUndoesWhatWasDone() {
        Map<String, Integer> before = settledStock("PROD-001");
        JsonNode order;
        // the held slow card keeps the order in payment_processing, the charge in flight, until it is cancelled
        try (SlowCards held = holdSlowCards()) {
            String id = api().placeAccepted(anOrder(item("PROD-001", 1), "tok_slow", null));
            api().awaitStatus(id, "payment_processing");

            Response cancelled = api().cancel(id);

            assertThat(cancelled.status()).isEqualTo(200);
            assertThat(cancelled.body().path("status").asString()).isEqualTo("cancelled");
            // stock is released at once; the charge still in flight is refunded when its reply arrives
            api().awaitEvent(id, "stock_released");
            held.release();
            order = api().awaitEvent(id, "payment_refunded");
        }
        String id = order.path("id").asString();
        assertThat(order.path("status").asString()).isEqualTo("cancelled");
        assertThat(stock("PROD-001")).isEqualTo(before);
        awaitUntilAsserted(() -> assertThat(payments(id))
                .singleElement()
                .satisfies(p -> assertThat(p.get("status")).isEqualTo("refunded")));
        assertThat(api().cancel(id).status()).isEqualTo(409);
    }

    @Test
    void refusesToCancelAFinishedOrder() {
        String id = api().placeAccepted(OrderApi.Orders.of("PROD-002", 1));
        api().awaitStatus(id, "completed");

        Response response = api().cancel(id);

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.body().path("order_status").asString()).isEqualTo("completed");
    }

    @Test
    void startsTheSagaInThePlacingTransaction() {
        Response placed = api().place(anOrder(item("PROD-002", 1), "tok_visa", null));

        assertThat(placed.status()).isEqualTo(202);
        JsonNode order = placed.body();
        // placed, started and priced in one commit (the catalog asked before it, here or over HTTP): the first
        // message out is the stock reservation
        assertThat(order.path("status").asString()).isEqualTo("inventory_check");
        assertThat(order.path("total_amount").decimalValue()).isEqualByComparingTo("29.99");
        assertThat(eventTypes(order)).containsExactly("order_placed", "fulfilment_started", "order_validated");
        assertThat(order.path("events"))
                .extracting(e -> e.path("status").asString())
                .containsExactly("pending", "validating", "inventory_check");
        assertThat(order.path("version").asInt()).isEqualTo(3);
        assertThat(api().get("/api/orders/" + placed.id() + "?at_sequence=3")
                        .body()
                        .path("events"))
                .as("the placing answer's history is the stored one, as a read of that version gives it")
                .isEqualTo(order.path("events"));
        JsonNode done = api().awaitStatus(placed.id(), "completed");
        assertGapFree(done);
        assertThat(database()
                        .sql("select count(*) from orders.inbox where type = 'OrderPlaced'")
                        .query(Long.class)
                        .single())
                .as("the order module no longer consumes its own placement event")
                .isZero();
    }

    @Test
    void rejectsAnUnknownSkuWithItsReason() {
        String id = api().placeAccepted(OrderApi.Orders.of("PROD-999", 1));

        JsonNode order = api().awaitStatus(id, "failed");

        assertThat(order.path("failure_reason").asString()).isEqualTo("unknown_sku");
        assertThat(order.path("failure_detail").asString()).contains("PROD-999");
    }

    @Test
    void rejectsAnOrderPricedDifferentlyThanTheCatalog() {
        String id =
                api().placeAccepted(anOrder("{\"sku\":\"PROD-001\",\"quantity\":1,\"unit_price\":899.99}", null, null));

        JsonNode order = api().awaitStatus(id, "failed");

        assertThat(order.path("failure_reason").asString()).isEqualTo("price_changed");
        assertThat(payments(id)).isEmpty();
    }

    @Test
    void acceptsAClientChosenIdOnce() {
        String body = "{\"order_id\":\"client-" + System.nanoTime() + "\",\"customer_email\":\"c@example.com\","
                + "\"items\":[{\"product_id\":\"PROD-002\",\"quantity\":1}]}";

        Response first = api().place(body);
        Response second = api().place(body);

        assertThat(first.status()).isEqualTo(202);
        assertThat(first.header("Location")).isEqualTo("/api/orders/" + first.id());
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.id()).isEqualTo(first.id());
        api().awaitStatus(first.id(), "completed");
    }

    @Test
    void answersAPollingClientWithTheStatusAndNotModifiedUntilSomethingHappens() {
        SlowCards held = holdSlowCards();
        String id;
        String etag;
        try (held) {
            id = api().placeAccepted(anOrder(item("PROD-002", 1), "tok_slow", null));
            api().awaitStatus(id, "payment_processing");
            etag = readStatusTwice(id);
        }

        JsonNode completed = api().awaitStatus(id, "completed");
        Response changed = api().get("/api/orders/" + id + "/status", "If-None-Match", etag);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.body().path("status").asString()).isEqualTo("completed");
        String now = "\"" + completed.path("version").asInt() + "\"";
        assertThat(changed.header("ETag")).isEqualTo(now);
        assertThat(api().get("/api/orders/" + id, "If-None-Match", now).status())
                .isEqualTo(304);
        assertThat(api().get("/api/orders/" + id, "If-None-Match", "W/" + now + ", \"x\"")
                        .status())
                .isEqualTo(304);
        assertThat(api().get("/api/orders/" + id, "If-None-Match", etag).status())
                .isEqualTo(200);
    }

    /** The status of an order that cannot move meanwhile, read twice: 200 with its ETag, then 304 for that ETag. */
    private String readStatusTwice(String id) {
        String status = "/api/orders/" + id + "/status";
        Response first = api().get(status);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().path("id").asString()).isEqualTo(id);
        assertThat(first.body().has("items"))
                .as("a status read carries no items or history")
                .isFalse();
        String etag = first.header("ETag");
        assertThat(etag).isEqualTo("\"" + first.body().path("version").asInt() + "\"");
        assertThat(first.header("Cache-Control")).contains("no-cache").contains("private");

        Response unchanged = api().get(status, "If-None-Match", etag);
        assertThat(unchanged.status()).isEqualTo(304);
        assertThat(unchanged.header("ETag")).isEqualTo(etag);
        assertThat(unchanged.body().isNull()).isTrue();
        return etag;
    }

    @Test
    void honoursIdempotencyKeys() {
        String key = "key-" + System.nanoTime();
        String body = OrderApi.Orders.of("PROD-003", 1);

        Response first = api().place(body, key);
        Response replay = api().place(body, key);
        Response otherBody = api().place(OrderApi.Orders.of("PROD-003", 2), key);

        assertThat(first.status()).isEqualTo(202);
        assertThat(replay.status()).isEqualTo(202);
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replay.id()).isEqualTo(first.id());
        assertThat(otherBody.status()).isEqualTo(422);
        assertThat(otherBody.header("Content-Type")).startsWith("application/problem+json");

        // the first request still running: a duplicate must wait its turn
        // keys are scoped to the caller: these requests come from the operator client
        database()
                .sql("update orders.idempotency_key set state = 'in_flight' where key = ?")
                .param("operator:" + key)
                .update();
        assertThat(api().place(body, key).status()).isEqualTo(409);
    }

    @Test
    void answersBadInputWithProblemDetails() {
        Response invalid =
                api().place("{\"customer_email\":\"nope\",\"items\":[{\"sku\":\"PROD-001\",\"quantity\":0}]}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.header("Content-Type")).startsWith("application/problem+json");
        List<String> fields = new ArrayList<>();
        invalid.body().path("errors").forEach(e -> fields.add(e.path("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("customer_email", "items[0].quantity");
        // a constraint on a parameter names it as the request spells it
        Response tooLong = api().place(
                        "{\"customer_email\":\"a@example.com\",\"items\":[{\"sku\":\"PROD-001\",\"quantity\":1}]}",
                        "k".repeat(300));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body().path("errors").get(0).path("field").asString())
                .isEqualTo("Idempotency-Key");
        Response tooBig = api().get("/api/orders?size=201");
        assertThat(tooBig.status()).isEqualTo(400);
        assertThat(tooBig.header("Content-Type")).startsWith("application/problem+json");
        assertThat(tooBig.body().path("errors").get(0).path("field").asString()).isEqualTo("size");

        assertThat(api().place("{\"customer_email\":").status()).isEqualTo(400);
        assertThat(api().place(
                                "{\"customer_email\":\"a@example.com\",\"items\":[{\"sku\":\"PROD-001\",\"quantity\":\"many\"}]}")
                        .status())
                .isEqualTo(400);
        assertThat(api().place(
                                "{\"customer_email\":\"a@example.com\",\"items\":[{\"sku\":\"PROD-001\",\"quantity\":1}],\"pad\":\""
                                        + "x".repeat(70_000) + "\"}")
                        .status())
                .isEqualTo(413);
        assertThat(api().get("/api/orders/does-not-exist").status()).isEqualTo(404);
        assertThat(api().get("/api/orders?status=lost").status()).isEqualTo(400);
        assertThat(api().get("/api/orders?size=100000").status()).isEqualTo(400);
    }

    @Test
    void listsOrdersByStatusAndCustomer() {
        String email = "lister-" + System.nanoTime() + "@example.com";
        String id = api().placeAccepted(
                        "{\"customer_email\":\"" + email + "\",\"items\":[{\"sku\":\"PROD-004\",\"quantity\":1}]}");
        api().awaitStatus(id, "failed");

        JsonNode page = api().get("/api/orders?status=failed&customer_email=" + email + "&size=5")
                .body();

        assertThat(page.path("total_elements").asLong()).isEqualTo(1);
        assertThat(page.path("items").get(0).path("id").asString()).isEqualTo(id);
    }

    /**
     * Two hundred orders at once with every outcome mixed in, cancellations racing the saga: all end in a
     * terminal state and the books balance.
     */
    @Test
    void keepsTheBooksUnderConcurrentLoad() throws Exception {
        List<Callable<String>> orders = new ArrayList<>();
        IntStream.range(0, 200)
                .forEach(i -> orders.add(() -> switch (i % 10) {
                    case 0 -> api().placeAccepted(OrderApi.Orders.of("PROD-004", 1));
                    case 1 -> api().placeAccepted(anOrder(item("PROD-001", 1), "tok_chargeDeclined", null));
                    case 2 -> api().placeAccepted(anOrder(item("PROD-002", 2), "tok_visa", "ZZ"));
                    case 3 -> {
                        String id = api().placeAccepted(
                                        anOrder(item("PROD-003", 1) + "," + item("PROD-002", 1), null, null));
                        api().cancel(id); // may win or lose against the saga; both outcomes must balance
                        yield id;
                    }
                    default ->
                        api().placeAccepted(anOrder(
                                item("PROD-00" + (1 + i % 3), 1 + i % 4) + "," + item("PROD-00" + (1 + (i + 1) % 3), 1),
                                "tok_visa",
                                "DE"));
                }));
        ExecutorService clients = Executors.newFixedThreadPool(16);
        List<String> ids = new ArrayList<>();
        try {
            for (Future<String> f : clients.invokeAll(orders)) {
                ids.add(f.get());
            }
        } finally {
            clients.shutdownNow();
        }

        Awaitility.await("all 200 orders terminal")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> database()
                                .sql("select count(*) from orders.purchase_order where id = any(?) and status in "
                                        + "('completed', 'failed', 'cancelled')")
                                .param(ids.toArray(String[]::new))
                                .query(Long.class)
                                .single()
                        == ids.size());
        Awaitility.await("compensations drained")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> Invariants.inFlight(database(), postgresBroker()) == 0);
        awaitUntilAsserted(() -> assertThat(Invariants.violations(database())).isEmpty());
        assertThat(database()
                        .sql("select count(*) from orders.purchase_order where id = any(?) and status = 'completed'")
                        .param(ids.toArray(String[]::new))
                        .query(Long.class)
                        .single())
                .isGreaterThanOrEqualTo(100L);
    }

    @Test
    void pushesEveryStepOfAnOrderLiveInOrder() {
        SlowCards held = holdSlowCards();
        String id = api().placeAccepted(anOrder(item("PROD-002", 1), "tok_slow", "US"));
        // connected while the held card keeps the order in payment: the steps after it arrive as pushes
        try (held;
                LiveClient live = LiveClient.connect(api().baseUrl(), "/ws/orders/" + id)) {
            live.awaitEventType("stock_reserved");
            held.release();
            live.awaitEventType("order_completed");

            // one type throughout, as the seeds' client expects; the first carries the history so far
            assertThat(live.messages.stream().map(m -> m.path("type").asString()))
                    .containsOnly("status_update");
            assertThat(live.messages.get(0).path("events").isArray()).isTrue();
            assertThat(live.messages.stream().skip(1).filter(m -> m.has("events")))
                    .isEmpty();
            JsonNode order = api().order(id);
            assertThat(live.sequences())
                    .containsExactlyElementsOf(
                            IntStream.rangeClosed(1, order.path("version").asInt())
                                    .boxed()
                                    .toList());
            assertThat(live.messages
                            .get(live.messages.size() - 1)
                            .path("order")
                            .path("status")
                            .asString())
                    .isEqualTo("completed");
        }
    }

    @Test
    void resumesALiveStreamFromTheLastSequenceSeen() {
        String id = api().placeAccepted(OrderApi.Orders.of("PROD-003", 1));
        int version = api().awaitStatus(id, "completed").path("version").asInt();

        try (LiveClient resumed = LiveClient.connect(api().baseUrl(), "/ws/orders/" + id + "?after=3")) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !resumed.messages.isEmpty());
            assertThat(resumed.sequences())
                    .containsExactlyElementsOf(
                            IntStream.rangeClosed(4, version).boxed().toList());
        }
    }

    @Test
    void closesTheSocketOfAnUnknownOrderWithAReason() throws Exception {
        try (LiveClient live = LiveClient.connect(api().baseUrl(), "/ws/orders/no-such-order", operatorToken())) {
            assertThat(live.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(4404);
        }
    }

    @Test
    void streamsEveryOrderToTheAllOrdersFeed() {
        try (LiveClient feed = LiveClient.connect(api().baseUrl(), "/ws/orders", operatorToken())) {
            // the snapshot is sent once the feed listens: an order placed before that may only be in it
            Awaitility.await("the feed's snapshot")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> !feed.messages.isEmpty());
            String id = api().placeAccepted(OrderApi.Orders.of("PROD-004", 1));
            Awaitility.await("feed shows the failure")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> feed.messages.stream()
                            .anyMatch(m -> "order_update".equals(m.path("type").asString())
                                    && id.equals(m.path("order").path("id").asString())
                                    && "failed"
                                            .equals(m.path("order")
                                                    .path("status")
                                                    .asString())));
            assertThat(feed.messages.get(0).path("type").asString()).isEqualTo("snapshot");
        }
    }

    /**
     * The stock of {@code sku} once the orders of earlier tests have settled: a completed order's stock is
     * committed, and a failed one's released, by messages that may still be on their way when its test ends.
     */
    Map<String, Integer> settledStock(String sku) {
        Awaitility.await("earlier orders settled")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> Invariants.inFlight(database(), postgresBroker()) == 0);
        return stock(sku);
    }

    int catalogAvailable(String sku) {
        return database()
                .sql("select available from catalog.product where sku = ?")
                .param(sku)
                .query(Integer.class)
                .single();
    }

    Map<String, Integer> stock(String sku) {
        return database()
                .sql("select available, reserved, shipped from inventory.stock where sku = ?")
                .param(sku)
                .query((rs, n) -> Map.of("available", rs.getInt(1), "reserved", rs.getInt(2), "shipped", rs.getInt(3)))
                .single();
    }

    List<Map<String, Object>> payments(String orderId) {
        return database()
                .sql("select status, amount, refunded_amount from payment.payment where order_id = ?")
                .param(orderId)
                .query()
                .listOfRows();
    }

    static void assertGapFree(JsonNode order) {
        List<Integer> sequences = new ArrayList<>();
        order.path("events").forEach(e -> sequences.add(e.path("sequence").asInt()));
        assertThat(sequences)
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(1, sequences.size()).boxed().toList());
        assertThat(order.path("version").asInt()).isEqualTo(sequences.size());
    }

    static void awaitUntilAsserted(ThrowingRunnable assertion) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(assertion);
    }
}
