package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.payment.SlowCards;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Distributed mode on the local PostgreSQL and a broker named by the subclass: every module in its own application
 * context (as it would be in its own process), two payment instances competing on the payment queue and two order
 * instances on the order queue. The order scenarios must hold on it, and these distributed-only ones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DistributedModeScenarios extends OrderScenarios {

    private final List<RunningApp> apps = new ArrayList<>();
    private String databaseUrl;
    private RunningApp customerApp;
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
            if (module.equals("payment")) {
                paymentApps.add(app);
            }
        }
        orderApp = started("order", keys);
        // a second API instance: competes for the order queue and serves browsers of its own
        secondOrderApp = started("order", keys);
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
        String id = api.placeAccepted(OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-002", 1), "tok_visa", null));

        // each module's process journals what it did in its own schema; the order process reads them all
        JsonNode timeline = Awaitility.await("the timeline of " + id)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> api.get("/api/orders/" + id + "/timeline").body(),
                        t -> t.path("summary").path("terminal").asBoolean()
                                && OrderTimelineScenarios.appliedHops(t)
                                        .containsAll(List.of(
                                                "ValidateOrder>catalog",
                                                "OrderValidated>order",
                                                "ReserveStock>inventory",
                                                "ChargePayment>payment",
                                                "CreateShipment>shipping",
                                                "CommitStock>inventory",
                                                "OrderCompleted>notification")));

        assertThat(timeline.path("status").asString()).isEqualTo("completed");
        assertThat(timeline.path("missing_sources")).isEmpty();
        assertThat(OrderTimelineScenarios.list(timeline.path("hops")))
                .extracting(h -> h.path("receiver").asString())
                .contains("order", "catalog", "inventory", "payment", "shipping", "notification");
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

    @Override
    boolean pricesInThePlacingTransaction() {
        return false;
    }
}
