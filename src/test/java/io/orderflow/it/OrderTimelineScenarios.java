package io.orderflow.it;

import static io.orderflow.it.OrderApi.Orders.anOrder;
import static io.orderflow.it.OrderApi.Orders.item;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.payment.SlowCards;
import io.orderflow.shipping.CarrierFaults;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The order timeline ({@code GET /api/orders/{id}/timeline}) of every outcome is complete: each command and reply of
 * the saga for that outcome sent and applied, by the module that should, the compensations marked, the lifecycle
 * events delivered to the notification module, the order's history and its notifications present; in causal order;
 * with non-negative durations and a summary that agrees with the hops. The subclasses run it on each transport. Every
 * assertion is on the final state: the test waits (bounded) until the order is terminal and the journal holds it all.
 */
abstract class OrderTimelineScenarios {

    /** Quick retries and a saga that does not re-send while a step's message is parked (see DeadLetterScenarios). */
    static final Map<String, String> PROPERTIES = Map.of(
            "orderflow.messaging.retry.max-attempts", "3",
            "orderflow.messaging.retry.base", "10ms",
            "orderflow.messaging.retry.cap", "40ms",
            "orderflow.saga.resend-after", "10m",
            "orderflow.payment.provider.slow-card-latency", "3s");

    abstract RunningApp app();

    /** Whether the catalog's validation is answered in the placing transaction (no ValidateOrder message). */
    abstract boolean inlineValidation();

    OrderApi orders() {
        return new OrderApi(app().baseUrl());
    }

    @AfterEach
    void healCarrier() {
        CarrierFaults.failureRate(app()::bean, 0);
    }

    /** The hops a saga's start takes: validation as messages unless it is answered inline. */
    private List<String> validation() {
        return inlineValidation() ? List.of() : List.of("ValidateOrder>catalog", "OrderValidated>order");
    }

    private static List<String> concat(List<String> first, String... rest) {
        return Stream.concat(first.stream(), Stream.of(rest)).toList();
    }

    @Test
    void aCompletedOrdersTimelineHasEverySagaHopInCausalOrder() {
        String id = orders().placeAccepted(anOrder(item("PROD-003", 2), "tok_visa", null));

        JsonNode timeline = awaitComplete(
                id,
                concat(
                        validation(),
                        "OrderPlaced>notification",
                        "ReserveStock>inventory",
                        "StockReserved>order",
                        "ChargePayment>payment",
                        "PaymentCharged>order",
                        "CreateShipment>shipping",
                        "ShipmentCreated>order",
                        "CommitStock>inventory",
                        "OrderCompleted>notification"),
                2);

        assertThat(timeline.path("status").asString()).isEqualTo("completed");
        assertCompleteAndCausal(id, timeline);
        assertThat(compensationHops(timeline)).isEmpty();
        assertThat(timeline.path("summary").path("compensations").asInt()).isZero();
    }

    @Test
    void aDeclinedCardsTimelineShowsTheStockReleased() {
        String id = orders().placeAccepted(anOrder(item("PROD-001", 1), "tok_chargeDeclined", null));

        JsonNode timeline = awaitComplete(
                id,
                concat(
                        validation(),
                        "OrderPlaced>notification",
                        "ReserveStock>inventory",
                        "StockReserved>order",
                        "ChargePayment>payment",
                        "PaymentDeclined>order",
                        "ReleaseStock>inventory",
                        "StockReleased>order",
                        "OrderFailed>notification"),
                2);

        assertThat(timeline.path("status").asString()).isEqualTo("failed");
        assertCompleteAndCausal(id, timeline);
        assertThat(compensationHops(timeline)).containsExactly("ReleaseStock");
        assertThat(hopTypes(timeline)).doesNotContain("CreateShipment", "RefundPayment");
        assertThat(timeline.path("summary").path("compensations").asInt()).isEqualTo(1);
    }

    @Test
    void aFailedShipmentsTimelineShowsTheRefundAndTheRelease() {
        String id = orders().placeAccepted(anOrder(item("PROD-002", 3), "tok_visa", "ZZ"));

        JsonNode timeline = awaitComplete(
                id,
                concat(
                        validation(),
                        "OrderPlaced>notification",
                        "ReserveStock>inventory",
                        "StockReserved>order",
                        "ChargePayment>payment",
                        "PaymentCharged>order",
                        "CreateShipment>shipping",
                        "ShipmentFailed>order",
                        "RefundPayment>payment",
                        "PaymentRefunded>order",
                        "ReleaseStock>inventory",
                        "StockReleased>order",
                        "OrderFailed>notification"),
                2);

        assertThat(timeline.path("status").asString()).isEqualTo("failed");
        assertCompleteAndCausal(id, timeline);
        assertThat(compensationHops(timeline)).containsExactlyInAnyOrder("RefundPayment", "ReleaseStock");
        assertThat(timeline.path("summary").path("compensations").asInt()).isEqualTo(2);
        // both compensations answer the shipment's failure
        String failed = messageIdOfHop(timeline, "ShipmentFailed");
        assertThat(timeline.path("hops"))
                .filteredOn(h -> h.path("compensation").asBoolean())
                .allSatisfy(h -> assertThat(h.path("causation_id").asString()).isEqualTo(failed));
    }

    @Test
    void aCancelledOrdersTimelineShowsTheReleaseAndTheLateChargeRefunded() {
        // the held slow card keeps the charge in flight until the cancel has released the stock: then it is charged
        // late, and refunded
        String id;
        try (SlowCards held = SlowCards.hold(List.of(app()::bean))) {
            id = orders().placeAccepted(anOrder(item("PROD-001", 1), "tok_slow", null));
            orders().awaitStatus(id, "payment_processing");
            assertThat(orders().cancel(id).status()).isEqualTo(200);
            orders().awaitEvent(id, "stock_released");
            held.release();
        }

        JsonNode timeline = awaitComplete(
                id,
                concat(
                        validation(),
                        "OrderPlaced>notification",
                        "ReserveStock>inventory",
                        "StockReserved>order",
                        "ChargePayment>payment",
                        "ReleaseStock>inventory",
                        "StockReleased>order",
                        "PaymentCharged>order",
                        "RefundPayment>payment",
                        "PaymentRefunded>order",
                        "OrderCancelled>notification"),
                2);

        assertThat(timeline.path("status").asString()).isEqualTo("cancelled");
        assertCompleteAndCausal(id, timeline);
        assertThat(compensationHops(timeline)).containsExactlyInAnyOrder("ReleaseStock", "RefundPayment");
        // the release went out from the cancelling request (no message caused it); the refund answers the late charge
        JsonNode release = hop(timeline, "ReleaseStock");
        assertThat(absent(release.path("causation_id"))).isTrue();
        assertThat(hop(timeline, "RefundPayment").path("causation_id").asString())
                .isEqualTo(messageIdOfHop(timeline, "PaymentCharged"));
        assertThat(eventTypes(timeline)).contains("cancellation_requested", "order_cancelled");
    }

    @Test
    void retriesAndADeadLetterShowOnTheHopTheyHappenedTo() {
        CarrierFaults.failureRate(app()::bean, 1.0);
        String id = orders().placeAccepted(OrderApi.Orders.of("PROD-002", 1));
        DeadLetterApi deadLetters = new DeadLetterApi(app().baseUrl());
        long letter = deadLetters
                .awaitListed(Map.of("module", "shipping", "order_id", id), 1)
                .path("items")
                .get(0)
                .path("id")
                .asLong();
        CarrierFaults.failureRate(app()::bean, 0);
        assertThat(deadLetters.redrive("shipping", letter, "alice").status()).isEqualTo(200);

        JsonNode timeline = awaitComplete(
                id,
                concat(validation(), "CreateShipment>shipping", "ShipmentCreated>order", "OrderCompleted>notification"),
                2);

        assertCompleteAndCausal(id, timeline);
        JsonNode shipment = hop(timeline, "CreateShipment");
        assertThat(shipment.path("outcome").asString()).isEqualTo("applied");
        assertThat(shipment.path("retries").asInt()).isEqualTo(2); // attempts 1 and 2; the third parked it
        assertThat(shipment.path("dead_lettered").asBoolean()).isTrue();
        assertThat(shipment.path("dead_letter_id").asLong()).isEqualTo(letter);
        assertThat(shipment.path("failures"))
                .extracting(f -> f.path("kind").asString())
                .containsExactly("retried", "retried", "parked");
        assertThat(shipment.path("failures"))
                .allSatisfy(f -> assertThat(f.path("error").asString()).contains("carrier unavailable"));
        JsonNode summary = timeline.path("summary");
        assertThat(summary.path("retries").asInt()).isEqualTo(2);
        assertThat(summary.path("dead_letters").asInt()).isEqualTo(1);
        assertThat(summary.path("redriven").asInt()).isEqualTo(1);
        assertThat(kinds(timeline)).contains("retried", "parked", "redriven");
        assertThat(entries(timeline, e -> e.path("kind").asString().equals("redriven")))
                .singleElement()
                .satisfies(e -> assertThat(e.path("detail").asString()).contains("alice"));
        assertThat(timeline.path("dead_letters")).singleElement().satisfies(d -> {
            assertThat(d.path("status").asString()).isEqualTo("redriven");
            assertThat(d.path("actions").get(0).path("operator").asString()).contains("alice");
        });
    }

    @Test
    void anUnknownOrderIsAProblemNotFound() {
        OrderApi.Response response = orders().get("/api/orders/no-such-order-" + System.nanoTime() + "/timeline");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.body().path("detail").asString()).contains("does not exist");
    }

    // ---- waiting and checking

    /**
     * The order's timeline once the order is terminal, every expected hop ({@code Type>receiver}) is applied, each
     * sent message has been handled, and the notifications are kept: bounded, on the final state only.
     */
    JsonNode awaitComplete(String id, List<String> expectedHops, int notifications) {
        return Awaitility.await("the timeline of " + id + " holds " + expectedHops)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> timeline(id),
                        t -> t.path("summary").path("terminal").asBoolean()
                                && appliedHops(t).containsAll(expectedHops)
                                && !hopOutcomes(t).contains("in_flight")
                                && t.path("summary").path("notifications").asInt() == notifications);
    }

    JsonNode timeline(String id) {
        OrderApi.Response response = orders().get("/api/orders/" + id + "/timeline");
        assertThat(response.status()).as(response.body().toString()).isEqualTo(200);
        return response.body();
    }

    /** What holds for every timeline: complete, in causal order, with non-negative durations and a true summary. */
    void assertCompleteAndCausal(String id, JsonNode timeline) {
        JsonNode order = orders().order(id);
        List<JsonNode> entries = list(timeline.path("entries"));
        List<JsonNode> hops = list(timeline.path("hops"));

        // the placing request first; the order's whole history is there, each event once
        assertThat(entries.get(0).path("kind").asString()).isEqualTo("request");
        assertThat(entries.get(0).path("type").asString()).isEqualTo("order_placed");
        assertThat(entries.get(0).path("at").asString())
                .isEqualTo(order.path("created_at").asString());
        // (read from one snapshot: a prefix of the history read after it, without gaps)
        List<Integer> sequences = entries.stream()
                .filter(e -> e.path("sequence").isNumber())
                .map(e -> e.path("sequence").asInt())
                .toList();
        assertThat(sequences).containsExactlyElementsOf(sequences(order).subList(0, sequences.size()));
        assertThat(sequences.size())
                .isEqualTo(timeline.path("summary").path("events").asInt());
        for (int i = 0; i < entries.size(); i++) {
            assertThat(entries.get(i).path("index").asInt()).isEqualTo(i);
        }

        // causal order: a message's sent before its deliveries, the delivery that caused a send before that send
        Map<String, Integer> sentAt = new HashMap<>();
        Map<String, Integer> handledAt = new HashMap<>();
        for (JsonNode e : entries) {
            String kind = e.path("kind").asString();
            if (kind.equals("sent")) {
                sentAt.putIfAbsent(
                        e.path("message_id").asString(), e.path("index").asInt());
            } else if (kind.equals("applied")) {
                handledAt.putIfAbsent(
                        e.path("message_id").asString() + "@" + e.path("module").asString(),
                        e.path("index").asInt());
            }
        }
        for (JsonNode e : entries) {
            String kind = e.path("kind").asString();
            int index = e.path("index").asInt();
            if (Set.of("applied", "duplicate", "retried", "parked", "redriven", "discarded")
                    .contains(kind)) {
                assertThat(sentAt)
                        .as(
                                "the send of %s (%s)",
                                e.path("type").asString(), e.path("message_id").asString())
                        .containsKey(e.path("message_id").asString());
                assertThat(sentAt.get(e.path("message_id").asString()))
                        .as("%s sent before its %s", e.path("type").asString(), kind)
                        .isLessThan(index);
            }
            if (kind.equals("sent") && !absent(e.path("causation_id"))) {
                Integer cause = handledAt.get(e.path("causation_id").asString() + "@"
                        + e.path("module").asString());
                assertThat(cause)
                        .as("the handling that sent %s", e.path("type").asString())
                        .isNotNull();
                assertThat(cause)
                        .as("%s after what caused it", e.path("type").asString())
                        .isLessThan(index);
            }
        }

        // every message of the order was sent once and handled; each hop names sender and receiver
        assertThat(hops).allSatisfy(h -> {
            assertThat(h.path("outcome").asString()).as(h.toString()).isIn("applied", "duplicate");
            assertThat(absent(h.path("sender"))).as(h.toString()).isFalse();
            assertThat(absent(h.path("receiver_instance"))).as(h.toString()).isFalse();
        });
        assertThat(timeline.path("summary").path("messages").asInt()).isEqualTo(sentAt.size());

        // durations are never negative (one process, one clock)
        for (JsonNode e : entries) {
            assertNonNegative(e, "offset_ms", "queue_ms", "handler_ms");
        }
        for (JsonNode h : hops) {
            assertNonNegative(h, "start_offset_ms", "end_offset_ms", "queue_ms", "handler_ms", "total_ms");
            assertThat(decimal(h, "end_offset_ms")).isGreaterThanOrEqualTo(decimal(h, "start_offset_ms"));
        }
        JsonNode summary = timeline.path("summary");
        assertNonNegative(summary, "total_ms", "elapsed_ms");

        // the summary agrees with the hops: the slowest is the one with the largest queue + handler time
        BigDecimal largest = hops.stream()
                .map(h -> decimal(h, "total_ms"))
                .max(BigDecimal::compareTo)
                .orElseThrow();
        JsonNode slowest = summary.path("slowest_hop");
        assertThat(decimal(slowest, "total_ms")).isEqualByComparingTo(largest);
        JsonNode flagged = hops.get(slowest.path("hop").asInt());
        assertThat(flagged.path("slowest").asBoolean()).isTrue();
        assertThat(flagged.path("type").asString())
                .isEqualTo(slowest.path("type").asString());
        assertThat(flagged.path("receiver").asString())
                .isEqualTo(slowest.path("receiver").asString());
        assertThat(hops).filteredOn(h -> h.path("slowest").asBoolean()).hasSize(1);
        assertThat(summary.path("retries").asInt())
                .isEqualTo(entries(timeline, e -> e.path("kind").asString().equals("retried"))
                        .size());
        assertThat(summary.path("dead_letters").asInt())
                .isEqualTo(entries(timeline, e -> e.path("kind").asString().equals("parked"))
                        .size());
        assertThat(entries(timeline, e -> e.path("kind").asString().equals("notification")))
                .allSatisfy(n -> assertThat(n.path("detail").asString()).isNotBlank());
        assertThat(timeline.path("missing_sources")).isEmpty();
    }

    /** Null or left out (the API leaves out what is null). */
    static boolean absent(JsonNode node) {
        return node.isNull() || node.isMissingNode();
    }

    private static void assertNonNegative(JsonNode node, String... fields) {
        for (String field : fields) {
            if (node.path(field).isNumber()) {
                assertThat(decimal(node, field)).as("%s of %s", field, node).isGreaterThanOrEqualTo(BigDecimal.ZERO);
            }
        }
    }

    private static BigDecimal decimal(JsonNode node, String field) {
        assertThat(node.path(field).isNumber())
                .as("%s of %s is a number", field, node)
                .isTrue();
        return node.path(field).decimalValue();
    }

    private static List<Integer> sequences(JsonNode order) {
        List<Integer> sequences = new ArrayList<>();
        order.path("events").forEach(e -> sequences.add(e.path("sequence").asInt()));
        return sequences;
    }

    static List<JsonNode> list(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    static List<JsonNode> entries(JsonNode timeline, Predicate<JsonNode> which) {
        return list(timeline.path("entries")).stream().filter(which).toList();
    }

    static Set<String> kinds(JsonNode timeline) {
        Set<String> kinds = new HashSet<>();
        timeline.path("entries").forEach(e -> kinds.add(e.path("kind").asString()));
        return kinds;
    }

    static List<String> eventTypes(JsonNode timeline) {
        return entries(timeline, e -> e.path("kind").asString().equals("event")).stream()
                .map(e -> e.path("type").asString())
                .toList();
    }

    static Set<String> appliedHops(JsonNode timeline) {
        Set<String> hops = new LinkedHashSet<>();
        timeline.path("hops").forEach(h -> {
            if (h.path("outcome").asString().equals("applied")) {
                hops.add(h.path("type").asString() + ">" + h.path("receiver").asString());
            }
        });
        return hops;
    }

    static Set<String> hopOutcomes(JsonNode timeline) {
        Set<String> outcomes = new HashSet<>();
        timeline.path("hops").forEach(h -> outcomes.add(h.path("outcome").asString()));
        return outcomes;
    }

    static List<String> hopTypes(JsonNode timeline) {
        return list(timeline.path("hops")).stream()
                .map(h -> h.path("type").asString())
                .toList();
    }

    static List<String> compensationHops(JsonNode timeline) {
        return list(timeline.path("hops")).stream()
                .filter(h -> h.path("compensation").asBoolean())
                .map(h -> h.path("type").asString())
                .toList();
    }

    static JsonNode hop(JsonNode timeline, String type) {
        List<JsonNode> found = list(timeline.path("hops")).stream()
                .filter(h -> h.path("type").asString().equals(type))
                .toList();
        assertThat(found).as("hops of type %s", type).hasSize(1);
        return found.get(0);
    }

    static String messageIdOfHop(JsonNode timeline, String type) {
        return hop(timeline, type).path("message_id").asString();
    }
}
