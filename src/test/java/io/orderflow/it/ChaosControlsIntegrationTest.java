package io.orderflow.it;

import static io.orderflow.it.OrderApi.Orders.anOrder;
import static io.orderflow.it.OrderApi.Orders.item;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.tools.InvariantChecker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The runtime chaos controls the chaos harness drives ({@code /api/chaos/faults}, docs/reliability.md): absent unless
 * {@code orderflow.chaos.controls-enabled=true}, operators only when present, and each fault does what it says while
 * the system keeps its promises: duplicates are dropped by the inboxes, poison messages are parked and nothing else is
 * touched, and a payment outage holds charges as unavailable (the breaker opens) until it is healed.
 */
class ChaosControlsIntegrationTest {

    @RegisterExtension
    static final LocalApp plain = LocalApp.onPostgresTransport(Map.of());

    @RegisterExtension
    static final LocalApp chaos = LocalApp.onPostgresTransport(Map.ofEntries(
            Map.entry("orderflow.chaos.controls-enabled", "true"),
            // an outage is retried quickly here, so the test does not wait for the production cap
            Map.entry("orderflow.messaging.retry.cap", "300ms"),
            Map.entry("resilience4j.circuitbreaker.instances.payment-provider.sliding-window-size", "4"),
            Map.entry("resilience4j.circuitbreaker.instances.payment-provider.minimum-number-of-calls", "3"),
            Map.entry("resilience4j.circuitbreaker.instances.payment-provider.wait-duration-in-open-state", "1s"),
            Map.entry(
                    "resilience4j.circuitbreaker.instances.payment-provider.permitted-number-of-calls-in-half-open-state",
                    "1")));

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The poison this class injected: the only dead letters the checker may find. */
    static final Set<UUID> POISON = ConcurrentHashMap.newKeySet();

    @AfterEach
    void healEverything() throws Exception {
        for (String fault : List.of("duplicate", "reorder", "payment-outage")) {
            send("DELETE", chaos.app().baseUrl(), "/api/chaos/faults/" + fault, operator());
        }
    }

    @Test
    void areAbsentUnlessSwitchedOnAndOperatorOnlyWhenThey() throws Exception {
        String plainUrl = plain.app().baseUrl();
        String plainOperator = TestTokens.operator(plainUrl);
        assertThat(send("GET", plainUrl, "/api/chaos/faults", plainOperator).statusCode())
                .isEqualTo(404);
        assertThat(send("POST", plainUrl, "/api/chaos/faults/duplicate", plainOperator)
                        .statusCode())
                .isEqualTo(404);

        String url = chaos.app().baseUrl();
        String customer = TestTokens.newCustomer(url, "Mallory");
        for (String[] call : List.of(
                new String[] {"GET", "/api/chaos/faults"},
                new String[] {"POST", "/api/chaos/faults/payment-outage"},
                new String[] {"DELETE", "/api/chaos/faults/payment-outage"})) {
            assertThat(send(call[0], url, call[1], null).statusCode()).isEqualTo(401);
            assertThat(send(call[0], url, call[1], customer).statusCode()).isEqualTo(403);
        }
        HttpResponse<String> list = send("GET", url, "/api/chaos/faults", operator());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(OrderApi.JSON.readTree(list.body()))
                .extracting(f -> f.path("name").asString())
                .containsExactly("duplicate", "payment-outage", "poison", "reorder");
        assertThat(send("POST", url, "/api/chaos/faults/partition", operator()).statusCode())
                .isEqualTo(404);
        assertThat(send("POST", url, "/api/chaos/faults/reorder?fraction=2", operator())
                        .statusCode())
                .isEqualTo(400);
        assertThat(send("POST", url, "/api/chaos/faults/duplicate?rate=1", operator())
                        .statusCode())
                .isEqualTo(400);
        assertThat(fault("duplicate").path("active").asBoolean()).isFalse();
    }

    @Test
    void withDuplicatesOnEveryMessageArrivesTwiceAndOrdersStillCompleteExactlyOnce() throws Exception {
        OrderApi api = new OrderApi(chaos.app().baseUrl());
        JsonNode on = inject("duplicate", "");
        assertThat(on.path("active").asBoolean()).isTrue();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(api.placeAccepted(anOrder(item("PROD-002", 1), null, null)));
        }
        ids.add(api.placeAccepted(anOrder(item("PROD-002", 1), "tok_chargeDeclined", null)));
        for (String id : ids.subList(0, 3)) {
            api.awaitStatus(id, "completed");
        }
        api.awaitStatus(ids.get(3), "failed");
        awaitDrained();
        long duplicated = fault("duplicate").path("details").path("duplicated").asLong();
        send("DELETE", chaos.app().baseUrl(), "/api/chaos/faults/duplicate", operator());

        // every module got each message it applied a second time and dropped it: one journal row of kind duplicate
        // per row of kind applied (the journal is written in batches after the commits, hence the wait)
        List<String> schemas = List.of("orders", "inventory", "payment", "shipping", "notification");
        Awaitility.await("every application journalled with its duplicate")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    for (String schema : schemas) {
                        assertThat(journalled(schema, "duplicate", ids))
                                .as("%s dropped a duplicate of every message it applied", schema)
                                .isPositive()
                                .isEqualTo(journalled(schema, "applied", ids));
                    }
                });
        long duplicates = 0;
        for (String schema : schemas) {
            duplicates += journalled(schema, "duplicate", ids);
        }
        assertThat(duplicated).isGreaterThanOrEqualTo(duplicates);
        assertThat(Scrape.of(chaos.app().baseUrl()).value("orderflow_messages_received_total", "outcome", "duplicate"))
                .isGreaterThanOrEqualTo(duplicates);
        for (String id : ids.subList(0, 3)) {
            assertThat(count(
                            "select count(*) from orders.order_event where order_id = ? and type = 'order_completed'",
                            id))
                    .isEqualTo(1);
            assertThat(count("select count(*) from payment.payment where order_id = ? and status = 'charged'", id))
                    .isEqualTo(1);
        }
        assertThat(check().messages()).isEmpty();
    }

    @Test
    void poisonMessagesAreParkedAndNothingElseIsAffected() throws Exception {
        OrderApi api = new OrderApi(chaos.app().baseUrl());
        String before = api.placeAccepted(anOrder(item("PROD-002", 1), null, null));
        JsonNode answer = inject("poison", "?module=inventory&count=4");
        List<UUID> injected = new ArrayList<>();
        answer.path("injected").path("message_ids").forEach(id -> injected.add(UUID.fromString(id.asString())));
        POISON.addAll(injected);
        assertThat(injected).hasSize(4);
        // alternately a type nobody handles and types inventory handles, with a payload that does not read
        assertThat(answer.path("injected").path("types"))
                .extracting(JsonNode::asString)
                .contains("ChaosPoison")
                .hasSizeGreaterThan(1);
        String after = api.placeAccepted(anOrder(item("PROD-002", 1), null, null));

        api.awaitStatus(before, "completed");
        api.awaitStatus(after, "completed");
        awaitDrained();
        Awaitility.await("the poison parked")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> chaos.app()
                                .jdbc()
                                .sql("select count(*) from inventory.dead_letter where message_id = any(?::uuid[])")
                                .param(injected.stream().map(UUID::toString).toArray(String[]::new))
                                .query(Long.class)
                                .single(),
                        n -> n == 4);

        // accounted for, they are no violation; unaccounted for, each one is
        assertThat(check().messages()).isEmpty();
        InvariantChecker.Result unaccounted = new InvariantChecker(jdbc()).check(Invariants.INITIAL_STOCK, Set.of());
        assertThat(unaccounted.violations())
                .filteredOn(v -> v.rule().startsWith("inventory dead letters parked"))
                .singleElement()
                .satisfies(v -> assertThat(v.count()).isEqualTo(POISON.size()));
        InvariantChecker.Result missing =
                new InvariantChecker(jdbc()).check(Invariants.INITIAL_STOCK, union(POISON, Set.of(UUID.randomUUID())));
        assertThat(missing.violations())
                .extracting(InvariantChecker.Violation::rule)
                .containsExactly("injected poison message not parked exactly once");
    }

    @Test
    void aPaymentOutageHoldsChargesAsUnavailableUntilHealedAndTheBreakerOpensAndCloses() throws Exception {
        OrderApi api = new OrderApi(chaos.app().baseUrl());
        inject("payment-outage", "");
        String id = api.placeAccepted(anOrder(item("PROD-002", 1), null, null));
        api.awaitStatus(id, "payment_processing");
        Awaitility.await("the breaker opens")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> fault("payment-outage").path("details").path("breaker_transitions"),
                        t -> t.toString().contains("open"));
        assertThat(api.order(id).path("status").asString()).isEqualTo("payment_processing");
        Awaitility.await("the charge retried as unavailable")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> count(
                                "select count(*) from payment.journal where order_id = ? and kind = 'retried' "
                                        + "and detail like '%payment provider unavailable%'",
                                id),
                        n -> n >= 1);
        assertThat(count("select count(*) from payment.payment where order_id = ? and status = 'charged'", id))
                .isZero();

        JsonNode healed = send("DELETE", "/api/chaos/faults/payment-outage");
        assertThat(healed.path("active").asBoolean()).isFalse();
        api.awaitStatus(id, "completed");
        Awaitility.await("the breaker closes through half-open")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> fault("payment-outage").path("details"),
                        d -> d.path("breaker_state").asString().equals("closed"));
        assertThat(fault("payment-outage").path("details").path("breaker_transitions"))
                .extracting(JsonNode::asString)
                .containsSubsequence("open", "half_open", "closed");
        awaitDrained();
        assertThat(check().messages()).isEmpty();
    }

    // --- helpers ------------------------------------------------------------------------------------------

    private static InvariantChecker.Result check() {
        return new InvariantChecker(jdbc()).check(Invariants.INITIAL_STOCK, Set.copyOf(POISON));
    }

    private static void awaitDrained() {
        Awaitility.await("outboxes, queues and open orders drained")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> Invariants.inFlight(jdbc(), true), n -> n == 0);
    }

    private static long journalled(String schema, String kind, List<String> orderIds) {
        // schema from the fixed list of the test
        return jdbc().sql("select count(*) from " + schema + ".journal where kind = ? and order_id = any(?)")
                .params(kind, orderIds.toArray(String[]::new))
                .query(Long.class)
                .single();
    }

    private static long count(String sql, String orderId) {
        return jdbc().sql(sql).param(orderId).query(Long.class).single();
    }

    private static JdbcClient jdbc() {
        return chaos.app().jdbc();
    }

    private static Set<UUID> union(Set<UUID> a, Set<UUID> b) {
        Set<UUID> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static String operator() {
        return TestTokens.operator(chaos.app().baseUrl());
    }

    private static JsonNode fault(String name) throws Exception {
        return send("GET", "/api/chaos/faults/" + name);
    }

    private static JsonNode inject(String name, String query) throws Exception {
        return send("POST", "/api/chaos/faults/" + name + query);
    }

    /** Calls the chaos app's controls as the operator, expecting 200. */
    private static JsonNode send(String method, String path) throws Exception {
        HttpResponse<String> response = send(method, chaos.app().baseUrl(), path, operator());
        assertThat(response.statusCode())
                .as(method + " " + path + ": " + response.body())
                .isEqualTo(200);
        return OrderApi.JSON.readTree(response.body());
    }

    private static HttpResponse<String> send(String method, String baseUrl, String path, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
