package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL transport with the modules split over two processes on one (external) database: payment in one,
 * the rest in the other. Both poll only every ten minutes, so an order can only finish in time if each process's
 * commits wake the other's consumers with a NOTIFY.
 */
class PostgresTransportAcrossProcessesIntegrationTest {

    static String databaseUrl;
    static RunningApp payment;
    static RunningApp rest;

    @BeforeAll
    static void start() {
        databaseUrl = TestInfrastructure.createDatabase("orderflow_it");
        rest = RunningApp.start(settings("order,catalog,inventory,shipping,notification,customer"));
        Map<String, String> payments = settings("payment");
        payments.put("orderflow.security.jwks-uri", rest.baseUrl() + "/.well-known/jwks.json");
        payment = RunningApp.start(payments);
    }

    private static Map<String, String> settings(String modules) {
        Map<String, String> settings = new HashMap<>(TestInfrastructure.externalDatabase(databaseUrl));
        settings.put("orderflow.modules", modules);
        settings.put("orderflow.transport", "postgres");
        settings.put("orderflow.messaging.poll-interval", "10m");
        return settings;
    }

    @AfterAll
    static void stop() {
        if (rest != null) {
            rest.close();
        }
        if (payment != null) {
            payment.close();
        }
        TestInfrastructure.dropDatabase(databaseUrl);
    }

    @Test
    void eachProcessWakesTheOthersConsumers() {
        OrderApi api = new OrderApi(rest.baseUrl());
        // order -> payment (the other process) -> order -> shipping -> ...: both directions, twice over
        for (int i = 0; i < 2; i++) {
            String id =
                    api.placeAccepted(OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-001", 1), "tok_visa", null));
            var order = api.awaitStatus(id, "completed");
            assertThat(OrderApi.Orders.eventTypes(order)).contains("payment_charged", "order_completed");
        }
        assertThat(payment.jdbc()
                        .sql("select count(*) from payment.inbox")
                        .query(Long.class)
                        .single())
                .isGreaterThanOrEqualTo(2);
    }
}
