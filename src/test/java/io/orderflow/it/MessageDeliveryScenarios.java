package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.messaging.Envelope;
import io.orderflow.messaging.Transport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/** At-least-once delivery with exactly-once effects, whatever the transport underneath. */
abstract class MessageDeliveryScenarios {

    abstract RunningApp app();

    @Test
    void appliesAMessageDeliveredTwiceOnlyOnce() {
        String orderId = "dup-" + UUID.randomUUID();
        Envelope reserve = envelope(
                "ReserveStock",
                orderId,
                "{\"order_id\":\"" + orderId + "\",\"items\":[{\"sku\":\"PROD-002\",\"quantity\":1}]}");
        int reservedBefore = reserved("PROD-002");
        double appliedBefore = received("inventory", "ReserveStock", "applied");
        double duplicatesBefore = received("inventory", "ReserveStock", "duplicate");

        publish(reserve);
        publish(reserve);

        // both deliveries handled: each is counted after its own commit, on its own consumer thread, so the
        // duplicate may be counted before the application it lost to
        Awaitility.await("one delivery applied, the other seen and skipped")
                .atMost(Duration.ofSeconds(30))
                .until(() -> received("inventory", "ReserveStock", "duplicate") >= duplicatesBefore + 1
                        && received("inventory", "ReserveStock", "applied") >= appliedBefore + 1);
        assertThat(received("inventory", "ReserveStock", "duplicate")).isEqualTo(duplicatesBefore + 1);
        assertThat(received("inventory", "ReserveStock", "applied")).isEqualTo(appliedBefore + 1);
        assertThat(reserved("PROD-002")).isEqualTo(reservedBefore + 1);
        assertThat(app().jdbc()
                        .sql("select count(*) from inventory.reservation_line where order_id = ?")
                        .param(orderId)
                        .query(Long.class)
                        .single())
                .isEqualTo(1L);
    }

    @Test
    void parksAPoisonMessageAndKeepsTheQueueFlowing() {
        UUID poison = UUID.randomUUID();
        publish(new Envelope(
                poison,
                "ReserveStock",
                1,
                "poison",
                null,
                Instant.now(),
                "{\"order_id\":\"poison\",\"items\":\"not a list\"}",
                Map.of()));

        Awaitility.await("poison parked")
                .atMost(Duration.ofSeconds(30))
                .until(() -> app().jdbc()
                                .sql("select count(*) from inventory.dead_letter where message_id = ?")
                                .param(poison)
                                .query(Long.class)
                                .single()
                        == 1);
        Map<String, Object> parked = app().jdbc()
                .sql("select attempts, error from inventory.dead_letter where message_id = ?")
                .param(poison)
                .query()
                .singleRow();
        assertThat(parked.get("attempts")).isEqualTo(1);
        assertThat((String) parked.get("error")).contains("not readable");

        OrderApi api = new OrderApi(app().baseUrl());
        api.awaitStatus(api.placeAccepted(OrderApi.Orders.of("PROD-001", 1)), "completed");
    }

    @Test
    void parksOversizedUnknownAndImpossibleMessagesAtOnceWithoutBlockingTheQueue() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String oversized = "oversized-" + tag;
        String impossible = "impossible-" + tag;
        String unknown = "unknown-" + tag;
        // well-formed JSON, but over the 64 KiB limit: parked unread
        publish(envelope(
                "ReserveStock",
                oversized,
                "{\"order_id\":\"" + oversized + "\",\"items\":[],\"note\":\"" + "x".repeat(70_000) + "\"}"));
        // readable, but a negative charge cannot become valid by retrying
        publish(envelope(
                "ChargePayment",
                impossible,
                "{\"order_id\":\"" + impossible + "\",\"amount\":-5,\"currency\":\"USD\"}"));
        // put straight on the inventory queue, whose module has no handler for this type
        new TransactionTemplate(app().bean(PlatformTransactionManager.class))
                .executeWithoutResult(s ->
                        app().bean(Transport.class).redeliver("inventory", envelope("NoSuchCommand", unknown, "{}")));

        DeadLetterApi deadLetters = new DeadLetterApi(app().baseUrl());
        Map<String, List<String>> expected = Map.of(
                oversized, List.of("inventory", "exceeds 65536 bytes"),
                impossible, List.of("payment", "charge amount must be positive"),
                unknown, List.of("inventory", "no handler for type 'NoSuchCommand'"));
        expected.forEach((orderId, where) -> {
            JsonNode item = deadLetters
                    .awaitListed(Map.of("order_id", orderId), 1)
                    .path("items")
                    .get(0);
            assertThat(item.path("module").asString()).isEqualTo(where.get(0));
            assertThat(item.path("attempts").asInt())
                    .as("parked without retries")
                    .isEqualTo(1);
            assertThat(item.path("error").asString()).contains(where.get(1));
        });

        OrderApi api = new OrderApi(app().baseUrl());
        api.awaitStatus(api.placeAccepted(OrderApi.Orders.of("PROD-001", 1)), "completed");
    }

    @Test
    void completesAnOrderWhoseConsumerTransactionWasKilledMidFlight() {
        OrderApi api = new OrderApi(app().baseUrl());
        String id = api.placeAccepted(OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-003", 1), "tok_slow", null));
        api.awaitStatus(id, "payment_processing");

        // the payment consumer now sits inside its transaction, talking to the slow provider: kill it
        Integer backend = Awaitility.await("payment transaction open")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> app().jdbc()
                                .sql(
                                        "select pid from pg_stat_activity where datname = current_database() "
                                                + "and state = 'idle in transaction' and query like '%from payment.payment%' limit 1")
                                .query(Integer.class)
                                .optional()
                                .orElse(null),
                        pid -> pid != null);
        assertThat(app().jdbc()
                        .sql("select pg_terminate_backend(?)")
                        .param(backend)
                        .query(Boolean.class)
                        .single())
                .isTrue();

        JsonNode order = api.awaitStatus(id, "completed");
        assertThat(app().jdbc()
                        .sql("select count(*) from payment.payment where order_id = ? and status = 'charged'")
                        .param(id)
                        .query(Long.class)
                        .single())
                .isEqualTo(1L);
        OrderScenarios.assertGapFree(order);
    }

    @Test
    void handlesAnOrderPlacedThatAnEarlierVersionLeftInTheOrderQueue() {
        // orders start their saga in the placing transaction now; an earlier version sent OrderPlaced to the order
        // module as well, and what it left queued is still handled (a started order stays as it is), not parked
        OrderApi api = new OrderApi(app().baseUrl());
        String orderId = api.placeAccepted(OrderApi.Orders.of("PROD-001", 1));
        double appliedBefore = received("order", "OrderPlaced", "applied");

        new TransactionTemplate(app().bean(PlatformTransactionManager.class))
                .executeWithoutResult(s -> app().bean(Transport.class)
                        .redeliver(
                                "order",
                                envelope(
                                        "OrderPlaced",
                                        orderId,
                                        "{\"order_id\":\"" + orderId + "\",\"customer_email\":\"a@example.com\","
                                                + "\"items\":[{\"sku\":\"PROD-001\",\"quantity\":1}]}")));

        Awaitility.await("the retired message handled")
                .atMost(Duration.ofSeconds(30))
                .until(() -> received("order", "OrderPlaced", "applied") >= appliedBefore + 1);
        JsonNode order = api.awaitStatus(orderId, "completed");
        assertThat(order.path("events"))
                .extracting(e -> e.path("type").asString())
                .containsOnlyOnce("fulfilment_started");
        assertThat(app().jdbc()
                        .sql("select count(*) from orders.dead_letter where order_id = ?")
                        .param(orderId)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    private void publish(Envelope envelope) {
        new TransactionTemplate(app().bean(PlatformTransactionManager.class))
                .executeWithoutResult(
                        s -> assertThat(app().bean(Transport.class).publish(List.of(envelope)))
                                .isEmpty());
    }

    private static Envelope envelope(String type, String orderId, String payload) {
        return new Envelope(UUID.randomUUID(), type, 1, orderId, null, Instant.now(), payload, Map.of());
    }

    private int reserved(String sku) {
        return app().jdbc()
                .sql("select reserved from inventory.stock where sku = ?")
                .param(sku)
                .query(Integer.class)
                .single();
    }

    private double received(String module, String type, String outcome) {
        var counter = app().bean(MeterRegistry.class)
                .find("orderflow.messages.received")
                .tags("module", module, "type", type, "outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
