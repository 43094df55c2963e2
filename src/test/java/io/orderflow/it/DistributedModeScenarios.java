package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.orderflow.payment.SlowCards;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Distributed mode on the local PostgreSQL and a broker named by the subclass: every module in its own application
 * context (as it would be in its own process), two payment instances competing on the payment queue and two order
 * instances on the order queue. The order scenarios must hold on it, and these distributed-only ones.
 */
@ExtendWith(OneHeavyClassAtATime.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DistributedModeScenarios extends OrderScenarios {

    private final List<RunningApp> apps = new ArrayList<>();
    private String databaseUrl;
    private RunningApp customerApp;
    private RunningApp catalogApp;
    private RunningApp orderApp;
    private RunningApp secondOrderApp;
    private RunningApp shippingApp;
    private final List<RunningApp> paymentApps = new ArrayList<>();
    private OrderApi api;

    /** Starts one instance running {@code modules} on the shared database and this subclass's broker. */
    abstract RunningApp startModules(String modules, String databaseUrl, Map<String, String> extra);

    /** Removes what the run left on the broker (queues, streams). */
    abstract void deleteBrokerState();

    /** The /actuator/health component that says whether the broker answers. */
    abstract String brokerHealthComponent();

    @BeforeAll
    void start() {
        databaseUrl = TestInfrastructure.createDatabase("orderflow_it");
        // the customer module signs tokens; every other process validates them with its public keys
        customerApp = started("customer", Map.of());
        Map<String, String> keys =
                Map.of("orderflow.security.jwks-uri", customerApp.baseUrl() + "/.well-known/jwks.json");
        // consumers first, so their queues are bound before the order module publishes
        for (String module : List.of("catalog", "inventory", "payment", "payment", "shipping", "notification")) {
            RunningApp app = started(
                    module,
                    Map.of(
                            "orderflow.payment.provider.slow-card-latency",
                            "5s",
                            "orderflow.security.jwks-uri",
                            keys.get("orderflow.security.jwks-uri")));
            if (module.equals("shipping")) {
                shippingApp = app;
            }
            if (module.equals("catalog")) {
                catalogApp = app;
            }
            if (module.equals("payment")) {
                paymentApps.add(app);
            }
        }
        // new orders are priced by asking the catalog over HTTP before they are placed (ADR 0021)
        Map<String, String> pricing = new HashMap<>(keys);
        pricing.put("orderflow.saga.catalog-url", catalogApp.baseUrl());
        orderApp = started("order", pricing);
        // a second API instance: competes for the order queue and serves browsers of its own; the catalog address it
        // is given answers nobody, so it prices its new orders by message
        Map<String, String> unanswered = new HashMap<>(keys);
        unanswered.put("orderflow.saga.catalog-url", "http://127.0.0.1:" + TestInfrastructure.freePort());
        secondOrderApp = started("order", unanswered);
        api = OrderApi.operatorVia(orderApp.baseUrl(), customerApp.baseUrl());
    }

    private RunningApp started(String modules, Map<String, String> extra) {
        RunningApp app = startModules(modules, databaseUrl, extra);
        apps.add(app);
        return app;
    }

    @AfterAll
    void stop() {
        apps.forEach(RunningApp::close);
        deleteBrokerState();
        if (databaseUrl != null) {
            TestInfrastructure.dropDatabase(databaseUrl);
        }
    }

    @Override
    List<RunningApp> paymentApps() {
        return paymentApps;
    }

    @Override
    String operatorToken() {
        return TestTokens.operator(customerApp.baseUrl());
    }

    @Test
    void pushesUpdatesToBrowsersOnAnyApiInstance() {
        SlowCards held = holdSlowCards();
        String id = api.placeAccepted(OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-001", 1), "tok_slow", null));
        // connected to the other instance while the order waits in payment: the rest arrives there as pushes
        try (held;
                LiveClient elsewhere = LiveClient.connect(secondOrderApp.baseUrl(), "/ws/orders/" + id)) {
            elsewhere.awaitEventType("stock_reserved");
            held.release();
            elsewhere.awaitEventType("order_completed");
            int version = api.order(id).path("version").asInt();
            assertThat(elsewhere.sequences())
                    .containsExactlyElementsOf(
                            IntStream.rangeClosed(1, version).boxed().toList());
        }
    }

    @Test
    void eachProcessServesTheDeadLettersOfItsOwnModulesOnly() {
        DeadLetterApi onOrder = new DeadLetterApi(orderApp.baseUrl(), customerApp.baseUrl());
        assertThat(onOrder.get("/api/dead-letters/counts")
                        .body()
                        .path("modules")
                        .propertyNames())
                .containsExactly("order");
        DeadLetterApi.Response elsewhere = onOrder.inspect("shipping", 1);
        assertThat(elsewhere.status()).isEqualTo(404);
        assertThat(elsewhere.body().path("type").asString()).endsWith("/module-not-served");
        assertThat(elsewhere.body().path("served_modules").get(0).asString()).isEqualTo("order");
        assertThat(onOrder.list(Map.of("module", "payment")).status()).isEqualTo(404);

        DeadLetterApi onShipping = new DeadLetterApi(shippingApp.baseUrl(), customerApp.baseUrl());
        assertThat(onShipping.list(Map.of()).body().path("modules").get(0).asString())
                .isEqualTo("shipping");
        assertThat(onShipping
                        .inspect("shipping", Long.MAX_VALUE)
                        .body()
                        .path("type")
                        .asString())
                .endsWith("/not-found");
    }

    @Test
    void theOrderProcessAnswersAnOrdersTimelineFromEveryModulesJournal() {
        long pricedBefore = pricedOverHttp(orderApp, "answered") + pricedOverHttp(orderApp, "kept");
        String id = api.placeAccepted(OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-002", 1), "tok_visa", null));

        JsonNode timeline = awaitTimeline(
                api,
                id,
                "ReserveStock>inventory",
                "ChargePayment>payment",
                "CreateShipment>shipping",
                "CommitStock>inventory",
                "OrderCompleted>notification");

        assertThat(timeline.path("status").asString()).isEqualTo("completed");
        assertThat(timeline.path("missing_sources")).isEmpty();
        assertThat(OrderTimelineScenarios.list(timeline.path("hops")))
                .extracting(h -> h.path("receiver").asString())
                .contains("order", "inventory", "payment", "shipping", "notification");
        // priced over HTTP before the order was placed: validation took no message
        assertThat(OrderTimelineScenarios.appliedHops(timeline))
                .doesNotContain("ValidateOrder>catalog", "OrderValidated>order");
        // by asking the catalog, or from what an ask or the catalog's listing brought earlier
        assertThat(pricedOverHttp(orderApp, "answered") + pricedOverHttp(orderApp, "kept"))
                .isEqualTo(pricedBefore + 1);
        // an order came in, so the whole listing was read too, on a thread of its own: its end is waited for
        Awaitility.await("the catalog's listing read by the order service")
                .atMost(Duration.ofSeconds(30))
                .until(() -> listingsRead(orderApp), n -> n > 0);
    }

    @Test
    void anOrderTheCatalogCouldNotPriceOverHttpIsPricedByMessage() {
        OrderApi elsewhere = OrderApi.operatorVia(secondOrderApp.baseUrl(), customerApp.baseUrl());
        long failedBefore = pricedOverHttp(secondOrderApp, "failed");

        OrderApi.Response placed =
                elsewhere.place(OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-002", 1), "tok_visa", null));

        // nobody answered at the catalog address this instance was given: the order left unpriced, with ValidateOrder
        assertThat(placed.status()).isEqualTo(202);
        assertThat(placed.body().path("status").asString()).isEqualTo("validating");
        assertThat(pricedOverHttp(secondOrderApp, "failed")).isEqualTo(failedBefore + 1);
        JsonNode timeline = awaitTimeline(
                elsewhere,
                placed.id(),
                "ValidateOrder>catalog",
                "OrderValidated>order",
                "ReserveStock>inventory",
                "OrderCompleted>notification");
        assertThat(timeline.path("status").asString()).isEqualTo("completed");
        assertThat(elsewhere.order(placed.id()).path("total_amount").decimalValue())
                .isEqualByComparingTo("29.99");
        assertThat(OrderTimelineScenarios.appliedHops(timeline)).contains("ValidateOrder>catalog");
    }

    @Test
    void theCatalogListsTheProductsOfTheSkusAskedWhatTheOrderServicePricesBy() {
        OrderApi catalog = OrderApi.guest(catalogApp.baseUrl());

        OrderApi.Response some = catalog.get("/api/products?sku=PROD-003,NOPE&sku=PROD-001&sku=PROD-003");

        assertThat(some.status()).isEqualTo(200);
        assertThat(OrderTimelineScenarios.list(some.body()))
                .extracting(
                        p -> p.path("sku").asString() + " " + p.path("price").decimalValue())
                .containsExactly("PROD-003 79.99", "PROD-001 999.99");
        // an unknown SKU is read from the table every time: many more reads than the catalog has connections (8)
        // must each give theirs back
        for (int i = 0; i < 30; i++) {
            assertThat(catalog.get("/api/products?sku=NOPE-" + i).status()).isEqualTo(200);
        }
        String tooMany = IntStream.rangeClosed(1, 51).mapToObj(i -> "S" + i).collect(Collectors.joining(","));
        OrderApi.Response refused = catalog.get("/api/products?sku=" + tooMany);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.body().path("errors").get(0).path("field").asString())
                .isEqualTo("sku");
    }

    /**
     * The order's timeline once it is terminal and holds these hops: each module's process journals what it did in
     * its own schema, in batches of its own, so the hops arrive in any order; the order process reads them all.
     */
    private static JsonNode awaitTimeline(OrderApi via, String id, String... hops) {
        return Awaitility.await("the timeline of " + id)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> via.get("/api/orders/" + id + "/timeline").body(),
                        t -> t.path("summary").path("terminal").asBoolean()
                                && OrderTimelineScenarios.appliedHops(t).containsAll(List.of(hops)));
    }

    private static long listingsRead(RunningApp app) {
        Timer timer = app.bean(MeterRegistry.class)
                .find("orderflow.saga.remote.price.list")
                .tag("outcome", "read")
                .timer();
        return timer == null ? 0 : timer.count();
    }

    private static long pricedOverHttp(RunningApp app, String outcome) {
        Timer timer = app.bean(MeterRegistry.class)
                .find("orderflow.saga.remote.pricing")
                .tag("outcome", outcome)
                .timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void isReadyOnlyWithTheDatabaseAndTheBroker() {
        OrderApi.Response readiness = api.get("/actuator/health/readiness");

        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.body().path("components").path("db").path("status").asString())
                .isEqualTo("UP");
        assertThat(readiness
                        .body()
                        .path("components")
                        .path(brokerHealthComponent())
                        .path("status")
                        .asString())
                .isEqualTo("UP");
    }

    @Override
    OrderApi api() {
        return api;
    }

    @Override
    JdbcClient database() {
        return orderApp.jdbc();
    }

    @Override
    boolean postgresBroker() {
        return false;
    }
}
