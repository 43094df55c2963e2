package io.orderflow.it;

import static io.orderflow.it.OrderApi.Orders.anOrder;
import static io.orderflow.it.OrderApi.Orders.item;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.orderflow.order.analytics.Projections;
import io.orderflow.order.analytics.ReplayCommand;
import io.orderflow.payment.SlowCards;
import io.orderflow.tools.InvariantChecker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The analytics read model and its replay on a real application and PostgreSQL. The background projector is off:
 * the test catches the projection up itself ({@link Projections#catchUpAll}), so nothing races it.
 */
class AnalyticsIntegrationTest {

    @RegisterExtension
    static final LocalApp local = LocalApp.onPostgresTransport(Map.of("orderflow.projections.enabled", "false"));

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private OrderApi api() {
        return new OrderApi(local.app().baseUrl());
    }

    private JdbcClient jdbc() {
        return local.app().jdbc();
    }

    private Projections projections() {
        return local.app().bean(Projections.class);
    }

    @Test
    void totalsEqualTheInvariantCheckersMoneyTotals() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ids.add(api().placeAccepted(anOrder(item("PROD-002", i) + "," + item("PROD-003", 1), "tok_visa", "US")));
        }
        ids.add(api().placeAccepted(anOrder(item("PROD-001", 1), "tok_chargeDeclined", null)));
        ids.add(api().placeAccepted(anOrder(item("PROD-003", 2), "tok_chargeDeclined", null)));
        ids.add(api().placeAccepted(OrderApi.Orders.of("PROD-004", 1)));
        ids.add(api().placeAccepted(OrderApi.Orders.of("PROD-004", 2)));
        try (SlowCards held = SlowCards.hold(List.of(local.app()::bean))) {
            String slow = api().placeAccepted(anOrder(item("PROD-001", 1), "tok_slow", null));
            api().awaitStatus(slow, "payment_processing");
            assertThat(api().cancel(slow).status()).isEqualTo(200);
        }
        drainAndCatchUp();

        InvariantChecker.Result check = new InvariantChecker(jdbc()).check(Invariants.INITIAL_STOCK);
        assertThat(check.messages()).isEmpty();
        Map<String, Object> stats = check.stats();

        JsonNode outcomes = operatorGet("/api/analytics/outcomes").body();
        assertThat(outcomes.path("orders").asLong()).isEqualTo((Long) stats.get("orders"));
        for (String status : List.of("completed", "failed", "cancelled")) {
            assertThat(outcomes.path("outcomes").path(status).asLong())
                    .as(status)
                    .isEqualTo((Long) stats.getOrDefault("orders_" + status, 0L));
        }
        assertThat(outcomes.path("outcomes").path("cancelled").asLong()).isPositive();
        assertThat(outcomes.path("in_flight").asLong()).isZero();
        JsonNode money = outcomes.path("money").get(0);
        assertThat(outcomes.path("money").size()).isEqualTo(1);
        assertThat(money.path("currency").asString()).isEqualTo("USD");
        assertThat(money.path("revenue").decimalValue())
                .isEqualByComparingTo((BigDecimal) stats.get("money_completed_totals"));
        assertThat(money.path("charged").decimalValue()).isEqualByComparingTo((BigDecimal) stats.get("money_charged"));
        assertThat(money.path("refunded").decimalValue())
                .isEqualByComparingTo((BigDecimal) stats.get("money_refunded"));

        // the same totals per minute: every order in one bucket or another, revenue too
        JsonNode series =
                operatorGet("/api/analytics/orders?granularity=minute").body();
        long orders = 0;
        BigDecimal revenue = BigDecimal.ZERO;
        for (JsonNode bucket : series.path("buckets")) {
            orders += bucket.path("orders").asLong();
            JsonNode usd = bucket.path("revenue").path("USD");
            revenue = revenue.add(usd.isMissingNode() ? BigDecimal.ZERO : usd.decimalValue());
        }
        assertThat(series.path("buckets").size()).isBetween(60, 61); // a partial minute at either end
        assertThat(orders).isEqualTo((Long) stats.get("orders"));
        assertThat(revenue).isEqualByComparingTo((BigDecimal) stats.get("money_completed_totals"));

        // failure reasons add up to the failed orders, payment declines among them
        JsonNode reasons = operatorGet("/api/analytics/failure-reasons").body().path("reasons");
        long failed = 0;
        for (JsonNode reason : reasons) {
            failed += reason.path("orders").asLong();
        }
        assertThat(failed).isEqualTo((Long) stats.get("orders_failed"));
        assertThat(reasons.findValuesAsString("reason")).contains("payment_declined");

        // top SKUs: what the completed orders' priced items say
        long soldMice = jdbc().sql(
                        "select coalesce(sum((i->>'quantity')::int), 0) from orders.purchase_order o, "
                                + "jsonb_array_elements(o.priced_items) i where o.status = 'completed' and i->>'sku' = 'PROD-002'")
                .query(Long.class)
                .single();
        JsonNode skus = operatorGet("/api/analytics/top-skus?by=quantity&limit=5")
                .body()
                .path("skus");
        assertThat(skus.get(0).path("sku").asString()).isEqualTo("PROD-002");
        assertThat(skus.get(0).path("quantity").asLong()).isEqualTo(soldMice);

        // every stage measured for the completed orders, percentiles in order
        JsonNode stages = operatorGet("/api/analytics/stage-latency").body().path("stages");
        assertThat(stages.findValuesAsString("stage"))
                .containsExactly("validating", "inventory_check", "payment_processing", "shipping");
        for (JsonNode stage : stages) {
            assertThat(stage.path("orders").asLong()).as(stage.toString()).isPositive();
            assertThat(stage.path("p50_ms").asDouble())
                    .isLessThanOrEqualTo(stage.path("p95_ms").asDouble());
            assertThat(stage.path("p95_ms").asDouble())
                    .isLessThanOrEqualTo(stage.path("p99_ms").asDouble());
        }

        // compensations: at least the release of stock for each declined payment and the cancelled order's
        long requested = jdbc().sql("select count(*) from orders.order_event where type = 'compensation_requested'")
                .query(Long.class)
                .single();
        JsonNode compensations = operatorGet("/api/analytics/compensations").body();
        assertThat(compensations.path("compensations").asLong())
                .isEqualTo(requested)
                .isGreaterThanOrEqualTo(3);

        // per-order facts match the orders themselves
        assertThat(jdbc().sql("select count(*) from orders.analytics_order a join orders.purchase_order o "
                                + "on o.id = a.order_id where a.status <> o.status or a.total_amount is distinct from "
                                + "o.total_amount or a.failure_reason is distinct from o.failure_reason")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(ids)
                .allSatisfy(id -> assertThat(
                                jdbc().sql("select count(*) from orders.analytics_order " + "where order_id = ?")
                                        .param(id)
                                        .query(Long.class)
                                        .single())
                        .isEqualTo(1));
    }

    @Test
    void replayUnderLoadYieldsTheSameRowsAsTheLiveModel() throws Exception {
        // some history before the replay starts
        for (int i = 0; i < 20; i++) {
            api().placeAccepted(
                            anOrder(item("PROD-002", 1 + i % 3), i % 5 == 0 ? "tok_chargeDeclined" : "tok_visa", null));
        }
        // settled before the replay (a transaction open anywhere on the server holds back what a reader may take,
        // see EventStream), so the replay has these events to replay whatever else runs on the server
        drainAndCatchUp();
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger placed = new AtomicInteger();
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            OrderApi client = api();
            int i = 0;
            while (loading.get() || placed.get() < 30) {
                switch (i++ % 4) {
                    case 0 -> client.placeAccepted(OrderApi.Orders.of("PROD-004", 1));
                    case 1 -> client.placeAccepted(anOrder(item("PROD-001", 1), "tok_chargeDeclined", null));
                    default -> client.placeAccepted(anOrder(item("PROD-003", 1 + i % 2), "tok_visa", null));
                }
                placed.incrementAndGet();
            }
        });
        // the live projector keeps running meanwhile (here: a loop that catches up again and again)
        CompletableFuture<Void> projector = CompletableFuture.runAsync(() -> {
            while (loading.get()) {
                projections().catchUpAll();
            }
        });
        Awaitility.await("load under way").atMost(Duration.ofSeconds(30)).until(() -> placed.get() >= 5);

        Response replay = operatorPost("/api/projections/analytics/replay");
        loading.set(false);
        load.get();
        projector.get();

        assertThat(replay.status()).as(replay.body().toString()).isEqualTo(200);
        assertThat(replay.body().path("identical").asBoolean())
                .as(replay.body().toString())
                .isTrue();
        assertThat(replay.body().path("events_replayed").asLong()).isPositive();
        assertThat(replay.body().path("comparison").findValuesAsString("table"))
                .containsExactly("analytics_order", "analytics_order_line");

        // after both catch up: the model built while orders were placed equals one replayed from scratch now
        drainAndCatchUp();
        Map<String, List<String>> live = snapshot();
        Response again = operatorPost("/api/projections/analytics/replay");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("identical").asBoolean())
                .as(again.body().toString())
                .isTrue();
        assertThat(snapshot()).isEqualTo(live);
        assertThat(live.get("orders"))
                .hasSize(jdbc().sql("select count(*) from orders.purchase_order")
                        .query(Integer.class)
                        .single());

        JsonNode status = operatorGet("/api/projections/analytics").body();
        assertThat(status.path("lag").asLong()).isZero();
        assertThat(status.path("last_replay").path("identical").asBoolean()).isTrue();
        // the swapped-in tables carry the live index names again
        assertThat(jdbc().sql(
                                "select count(*) from pg_indexes where schemaname = 'orders' and indexname like '%rebuild%'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void theReplayCommandRebuildsFromTheDatabaseAndReportsTheComparison() {
        api().placeAccepted(anOrder(item("PROD-002", 1), "tok_visa", null));
        drainAndCatchUp();
        HikariDataSource pool = (HikariDataSource) local.app().bean(DataSource.class);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = ReplayCommand.run(
                new String[] {
                    "replay",
                    "analytics",
                    "--db-url",
                    pool.getJdbcUrl(),
                    "--db-user",
                    TestInfrastructure.PG_USER,
                    "--db-password",
                    TestInfrastructure.PG_PASSWORD
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("analytics_order:", "(identical)", "equals the live one");
        assertThat(ReplayCommand.run(
                        new String[] {"replay", "nope", "--db-url", pool.getJdbcUrl()},
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)))
                .isEqualTo(2);
    }

    @Test
    void anUnknownProjectionIsNotFound() {
        Response replay = operatorPost("/api/projections/nope/replay");
        assertThat(replay.status()).isEqualTo(404);
        assertThat(replay.contentType()).startsWith("application/problem+json");
        assertThat(replay.body().path("detail").asString()).contains("nope", "analytics");
        assertThat(operatorGet("/api/projections/nope").status()).isEqualTo(404);
        assertThat(operatorGet("/api/projections").body().path("projections").findValuesAsString("name"))
                .containsExactly("analytics");
    }

    @Test
    void badParametersAreRefusedWithAProblem() {
        for (String path : List.of(
                "/api/analytics/orders?granularity=week",
                "/api/analytics/orders?granularity=minute&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z",
                "/api/analytics/outcomes?from=yesterday",
                "/api/analytics/outcomes?from=2026-03-01T00:00:00Z&to=2026-01-01T00:00:00Z",
                "/api/analytics/top-skus?limit=0",
                "/api/analytics/top-skus?limit=many",
                "/api/analytics/top-skus?by=colour",
                "/api/analytics/stage-latency?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z")) {
            Response response = operatorGet(path);
            assertThat(response.status()).as(path).isEqualTo(400);
            assertThat(response.contentType()).as(path).startsWith("application/problem+json");
            assertThat(response.body().path("errors").get(0).path("field").asString())
                    .as(path)
                    .isNotEmpty();
        }
        assertThat(operatorGet("/api/analytics/orders?granularity=day").status())
                .isEqualTo(200);
    }

    @Test
    void onlyTheOperatorMayReadAnalyticsOrReplay() {
        String customer = TestTokens.newCustomer(local.app().baseUrl(), "Analyst");
        for (String path : List.of("/api/analytics/outcomes", "/api/analytics/orders", "/api/projections")) {
            assertThat(send("GET", path, customer).status()).as(path).isEqualTo(403);
            assertThat(send("GET", path, null).status()).as(path).isEqualTo(401);
        }
        assertThat(send("POST", "/api/projections/analytics/replay", customer).status())
                .isEqualTo(403);
        assertThat(send("POST", "/api/projections/analytics/replay", null).status())
                .isEqualTo(401);
    }

    /** Every order and order line of the model, as text rows, for comparing two states of it. */
    private Map<String, List<String>> snapshot() {
        return Map.of(
                "orders",
                jdbc().sql("select t::text from orders.analytics_order t order by order_id")
                        .query(String.class)
                        .list(),
                "lines",
                jdbc().sql("select t::text from orders.analytics_order_line t order by order_id, line")
                        .query(String.class)
                        .list());
    }

    /** Waits until every order has ended and nothing is in flight, then until the projection has seen it all. */
    private void drainAndCatchUp() {
        Awaitility.await("every order ended and every message applied")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> Invariants.inFlight(jdbc(), true) == 0);
        Awaitility.await("the analytics projection has seen every event")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    projections().catchUpAll();
                    return projections().lag("analytics") == 0;
                });
    }

    record Response(int status, String contentType, JsonNode body) {}

    private Response operatorGet(String path) {
        return send("GET", path, TestTokens.operator(local.app().baseUrl()));
    }

    private Response operatorPost(String path) {
        return send("POST", path, TestTokens.operator(local.app().baseUrl()));
    }

    private static Response send(String method, String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(local.app().baseUrl() + path))
                .timeout(Duration.ofSeconds(120))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body().isEmpty()
                            ? OrderApi.JSON.readTree("null")
                            : OrderApi.JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
