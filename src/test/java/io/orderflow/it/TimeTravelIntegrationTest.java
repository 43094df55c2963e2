package io.orderflow.it;

import static io.orderflow.it.OrderApi.Orders.anOrder;
import static io.orderflow.it.OrderApi.Orders.item;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.it.OrderApi.Response;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.NullNode;

/**
 * Time travel ({@code GET /api/orders/{id}?at_sequence=N} and {@code ?as_of=}) against the truth: a test-only trigger
 * in this test's own database copies every version of every order row, as the application wrote it, into a table of
 * its own; the order the API folds from the history at each point must be that recorded row.
 */
class TimeTravelIntegrationTest {

    @RegisterExtension
    static final LocalApp local =
            LocalApp.onPostgresTransport(Map.of("orderflow.payment.provider.slow-card-latency", "2s"));

    static OrderApi api;
    static JdbcClient db;

    /** Every row version from now on, into time_travel_test.order_version: what "the state at that time" was. */
    @BeforeAll
    static void recordEveryVersionOfEveryOrder() {
        db = local.app().jdbc();
        db.sql("create schema time_travel_test").update();
        db.sql("create table time_travel_test.order_version as select * from orders.purchase_order with no data")
                .update();
        db.sql("create function time_travel_test.capture() returns trigger language plpgsql as $$ "
                        + "begin insert into time_travel_test.order_version select (new).*; return new; end $$")
                .update();
        db.sql("create trigger time_travel_capture after insert or update on orders.purchase_order "
                        + "for each row execute function time_travel_test.capture()")
                .update();
        api = new OrderApi(local.app().baseUrl());
    }

    @Test
    void aCompletedOrderIsAtEveryPointWhatWasRecordedThen() {
        String id = api.placeAccepted(anOrder(item("PROD-003", 2), "tok_visa", "US"));
        api.awaitStatus(id, "completed");

        assertEveryPointIsTheRecordedState(id);
    }

    @Test
    void anOrderWithADeclinedCardIsAtEveryPointWhatWasRecordedThen() {
        String id = api.placeAccepted(anOrder(item("PROD-001", 1), "tok_chargeDeclined", null));
        api.awaitStatus(id, "failed");
        api.awaitEvent(id, "stock_released"); // the last thing that happens to it

        assertEveryPointIsTheRecordedState(id);
        assertThat(api.get(path(id) + "?at_sequence=3").body().path("status").asString())
                .isEqualTo("inventory_check");
    }

    @Test
    void aCancelledOrderIsAtEveryPointWhatWasRecordedThenLateChargeIncluded() {
        String id = api.placeAccepted(anOrder(item("PROD-001", 1), "tok_slow", null));
        api.awaitStatus(id, "payment_processing");
        assertThat(api.cancel(id).status()).isEqualTo(200);
        api.awaitEvent(id, "stock_released");
        JsonNode order = api.awaitEvent(id, "payment_refunded"); // the charge arrived after the cancellation

        assertEveryPointIsTheRecordedState(id);
        assertThat(order.path("payment_id").isMissingNode()).isTrue();
    }

    @Test
    void readsAStoredVersionOneEventInTheCurrentShape() {
        String id = api.placeAccepted(anOrder(item("PROD-002", 1), "tok_visa", "GB"));
        JsonNode completed = api.awaitStatus(id, "completed");
        int last = completed.path("version").asInt();
        List<JsonNode> before = new ArrayList<>();
        for (int sequence = 1; sequence <= last; sequence++) {
            before.add(api.get(path(id) + "?at_sequence=" + sequence).body());
        }
        assertThat(db.sql("select distinct schema_version from orders.order_event where order_id = ?")
                        .param(id)
                        .query(Integer.class)
                        .list())
                .containsExactly(2);
        JsonNode placed = completed.path("events").get(0).path("details");
        assertThat(placed.path("items").get(0).path("sku").asString()).isEqualTo("PROD-002");
        assertThat(placed.path("customer_email").asString()).isEqualTo("customer@example.com");
        assertThat(placed.path("shipping_address").path("country").asString()).isEqualTo("GB");
        assertThat(placed.has("card_token")).isFalse();

        // the event as an earlier version stored it: schema version 1, an order_placed that records nothing
        db.sql("delete from orders.order_event where order_id = ? and sequence = 1")
                .param(id)
                .update();
        db.sql("insert into orders.order_event (order_id, sequence, type, status, occurred_at, details, "
                        + "schema_version) values (?, 1, 'order_placed', 'pending', ?, '{}'::jsonb, 1)")
                .params(
                        id,
                        Timestamp.from(
                                Instant.parse(completed.path("created_at").asString())))
                .update();

        assertThat(api.order(id)).isEqualTo(completed);
        for (int sequence = 1; sequence <= last; sequence++) {
            assertThat(api.get(path(id) + "?at_sequence=" + sequence).body())
                    .as("at sequence %d", sequence)
                    .isEqualTo(before.get(sequence - 1));
        }
        assertThat(api.get(path(id) + "?at_sequence=1")
                        .body()
                        .path("items")
                        .get(0)
                        .path("sku")
                        .asString())
                .isEqualTo("PROD-002");
    }

    @Test
    void answersConditionallyAndLetsAnAnswerAtASequenceBeKept() {
        String id = api.placeAccepted(anOrder(item("PROD-002", 1), "tok_visa", null));
        JsonNode order = api.awaitStatus(id, "completed");
        String etag = "\"" + order.path("version").asInt() + "\"";

        Response plain = api.get(path(id), "If-None-Match", etag);
        assertThat(plain.status()).isEqualTo(304);

        Response atTwo = api.get(path(id) + "?at_sequence=2");
        assertThat(atTwo.status()).isEqualTo(200);
        assertThat(atTwo.header("ETag")).isEqualTo("\"2\"");
        assertThat(atTwo.header("Cache-Control")).contains("private", "immutable");
        Response again = api.get(path(id) + "?at_sequence=2", "If-None-Match", "\"2\"");
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.header("ETag")).isEqualTo("\"2\"");
        assertThat(api.get(path(id) + "?at_sequence=2", "If-None-Match", "\"3\"")
                        .status())
                .isEqualTo(200);

        String createdAt = order.path("created_at").asString();
        Response asOf = api.get(path(id) + "?as_of=" + createdAt);
        assertThat(asOf.status()).isEqualTo(200);
        assertThat(asOf.header("Cache-Control")).contains("no-cache");
        String placedEtag = asOf.header("ETag");
        assertThat(api.get(path(id) + "?as_of=" + createdAt, "If-None-Match", placedEtag)
                        .status())
                .isEqualTo(304);
    }

    /**
     * The plain read takes the order's row, then its history, each statement with its own snapshot. A step that
     * commits between the two writes a history entry the row read did not see: planted here as the entry after the
     * row's version, the read must still show the row's version with exactly its history.
     */
    @Test
    void showsTheHistoryUpToTheVersionItShowsWhenAStepCommitsBetweenTheReads() {
        String id = api.placeAccepted(anOrder(item("PROD-002", 1), "tok_visa", null));
        JsonNode completed = api.awaitStatus(id, "completed");
        int last = completed.path("version").asInt();
        db.sql("insert into orders.order_event (order_id, sequence, type, status, occurred_at, details, "
                        + "schema_version) values (?, ?, 'step_retried', 'completed', now(), '{}'::jsonb, 2)")
                .params(id, last + 1)
                .update();
        try {
            JsonNode order = api.order(id);

            assertThat(order.path("version").asInt()).isEqualTo(last);
            assertThat(order.path("events")).hasSize(last);
            assertThat(order).isEqualTo(completed);
            try (LiveClient live =
                    LiveClient.connect(api.baseUrl(), "/ws/orders/" + id, TestTokens.operator(api.baseUrl()))) {
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !live.messages.isEmpty());
                JsonNode first = live.messages.get(0);
                assertThat(first.path("order").path("version").asInt()).isEqualTo(last);
                assertThat(first.path("events")).hasSize(last);
            }
        } finally {
            db.sql("delete from orders.order_event where order_id = ? and sequence = ?")
                    .params(id, last + 1)
                    .update();
        }
    }

    @Test
    void refusesPointsThatAreNotPointsWithProblemDetails() {
        String id = api.placeAccepted(anOrder(item("PROD-002", 1), "tok_visa", null));
        api.awaitStatus(id, "completed");

        for (String query : List.of(
                "as_of=yesterday",
                "as_of=2026-13-01T00:00:00Z",
                "as_of=2026-12-01T10:00:00", // no offset: which 10 o'clock?
                "as_of=",
                "at_sequence=0",
                "at_sequence=-1",
                "at_sequence=two",
                "at_sequence=1.5",
                "at_sequence=99999999999",
                "at_sequence=",
                "at_sequence=1&as_of=2026-12-01T10:00:00Z")) {
            Response response = api.get(path(id) + "?" + query);
            assertThat(response.status()).as(query).isEqualTo(400);
            assertThat(response.header("Content-Type")).as(query).startsWith("application/problem+json");
            assertThat(response.body().path("errors").get(0).path("field").asString())
                    .as(query)
                    .isIn("as_of", "at_sequence");
        }
    }

    @Test
    void answersAPointOutsideTheHistoryWithNotFound() {
        String id = api.placeAccepted(anOrder(item("PROD-002", 1), "tok_visa", null));
        JsonNode order = api.awaitStatus(id, "completed");
        int last = order.path("version").asInt();
        Instant createdAt = Instant.parse(order.path("created_at").asString());

        Response beyond = api.get(path(id) + "?at_sequence=" + (last + 1));
        assertThat(beyond.status()).isEqualTo(404);
        assertThat(beyond.header("Content-Type")).startsWith("application/problem+json");
        assertThat(beyond.body().path("type").asString()).endsWith("/history-point-not-found");
        assertThat(beyond.body().path("last_sequence").asInt()).isEqualTo(last);

        Response before = api.get(path(id) + "?as_of=" + createdAt.minusNanos(1000));
        assertThat(before.status()).isEqualTo(404);
        assertThat(before.body().path("type").asString()).endsWith("/history-point-not-found");
        assertThat(before.body().path("created_at").asString()).isEqualTo(createdAt.toString());

        assertThat(api.get(path(id) + "?as_of=" + createdAt).status()).isEqualTo(200);
        assertThat(api.get("/api/orders/no-such-order?at_sequence=1")
                        .body()
                        .path("type")
                        .asString())
                .endsWith("/not-found");
    }

    @Test
    void showsAGuestOrderAtAPointOnlyToWhoeverMaySeeIt() {
        OrderApi placer = OrderApi.guest(api.baseUrl());
        String id = "time-travel-" + System.nanoTime();
        Response placed = placer.place("{\"order_id\":\"" + id
                + "\",\"customer_email\":\"guest@example.com\",\"items\":[{\"sku\":\"PROD-002\",\"quantity\":1}]}");
        assertThat(placed.status()).isEqualTo(202);

        assertThat(placer.get(path(id) + "?at_sequence=1").status()).isEqualTo(200);
        Response stranger = OrderApi.guest(api.baseUrl()).get(path(id) + "?at_sequence=1");
        assertThat(stranger.status()).isEqualTo(404);
        assertThat(stranger.body().path("type").asString()).endsWith("/not-found");
        assertThat(OrderApi.guest(api.baseUrl())
                        .get(path(id) + "?at_sequence=999")
                        .status())
                .isEqualTo(404);
    }

    // --- the comparison ------------------------------------------------------------------------------------------

    /**
     * For every sequence N of the order's (final) history: {@code ?at_sequence=N} is version N with its history cut
     * there, the status of event N, and, where a row version N was recorded (the end of a decision), that row;
     * {@code ?as_of=} the time of event N is the row recorded at the end of the decision that wrote event N (all of a
     * decision's events share its time). The last point is exactly the plain read.
     */
    private static void assertEveryPointIsTheRecordedState(String id) {
        JsonNode latest = api.order(id);
        JsonNode events = latest.path("events");
        int last = latest.path("version").asInt();
        assertThat(events.size()).isEqualTo(last);
        TreeMap<Integer, Map<String, Object>> recorded = recordedVersions(id);
        assertThat(recorded.lastKey()).isEqualTo(last);
        assertThat(recorded.keySet()).allSatisfy(v -> assertThat(v).isBetween(1, last));

        for (int sequence = 1; sequence <= last; sequence++) {
            JsonNode event = events.get(sequence - 1);
            JsonNode atSequence = okBody(path(id) + "?at_sequence=" + sequence);
            assertThat(atSequence.path("version").asInt()).isEqualTo(sequence);
            assertThat(atSequence.path("status").asString())
                    .isEqualTo(event.path("status").asString());
            assertThat(atSequence.path("updated_at").asString())
                    .isEqualTo(event.path("occurred_at").asString());
            List<JsonNode> cut = new ArrayList<>();
            events.forEach(e -> cut.add(e));
            assertThat(atSequence.path("events")).containsExactlyElementsOf(cut.subList(0, sequence));
            if (recorded.containsKey(sequence)) {
                assertIsRecorded(atSequence, recorded.get(sequence), "at_sequence=" + sequence);
            }

            int endOfDecision = recorded.ceilingKey(sequence);
            JsonNode asOf =
                    okBody(path(id) + "?as_of=" + event.path("occurred_at").asString());
            assertIsRecorded(asOf, recorded.get(endOfDecision), "as_of the time of event " + sequence);
            assertThat(asOf.path("events").size()).isEqualTo(endOfDecision);
        }
        assertThat(okBody(path(id) + "?at_sequence=" + last)).isEqualTo(latest);
    }

    private static void assertIsRecorded(JsonNode answer, Map<String, Object> row, String point) {
        for (String column : List.of(
                "status",
                "customer_email",
                "currency",
                "failure_reason",
                "failure_detail",
                "payment_id",
                "tracking_number")) {
            assertThat(text(answer.path(column))).as(point + ": " + column).isEqualTo(row.get(column));
        }
        assertThat(answer.path("version").asInt()).as(point + ": version").isEqualTo(row.get("version"));
        BigDecimal total = (BigDecimal) row.get("total_amount");
        if (total == null) {
            assertThat(answer.has("total_amount")).as(point + ": total").isFalse();
        } else {
            assertThat(answer.path("total_amount").decimalValue())
                    .as(point + ": total")
                    .isEqualByComparingTo(total);
        }
        String items = (String) (row.get("priced_items") != null ? row.get("priced_items") : row.get("items"));
        assertThat(answer.path("items")).as(point + ": items").isEqualTo(OrderApi.JSON.readTree(items));
        String address = (String) row.get("shipping_address");
        assertThat(answer.path("shipping_address"))
                .as(point + ": shipping address")
                .isEqualTo(address == null ? MissingNode.getInstance() : OrderApi.JSON.readTree(address));
        assertThat(Instant.parse(answer.path("created_at").asString()))
                .as(point + ": created")
                .isEqualTo(((Timestamp) row.get("created_at")).toInstant());
        assertThat(Instant.parse(answer.path("updated_at").asString()))
                .as(point + ": updated")
                .isEqualTo(((Timestamp) row.get("updated_at")).toInstant());
    }

    private static TreeMap<Integer, Map<String, Object>> recordedVersions(String id) {
        TreeMap<Integer, Map<String, Object>> versions = new TreeMap<>();
        db.sql("select version, status, customer_email, items::text as items, priced_items::text as priced_items, "
                        + "total_amount, currency, failure_reason, failure_detail, payment_id, tracking_number, "
                        + "shipping_address::text as shipping_address, created_at, updated_at "
                        + "from time_travel_test.order_version where id = ? order by version")
                .param(id)
                .query()
                .listOfRows()
                .forEach(row -> versions.put((Integer) row.get("version"), row));
        return versions;
    }

    private static JsonNode okBody(String path) {
        Response response = api.get(path);
        assertThat(response.status()).as(path + " " + response.body()).isEqualTo(200);
        return response.body();
    }

    private static String text(JsonNode node) {
        return node.isMissingNode() || node instanceof NullNode ? null : node.asString();
    }

    private static String path(String id) {
        return "/api/orders/" + id;
    }
}
