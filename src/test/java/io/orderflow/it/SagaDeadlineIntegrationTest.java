package io.orderflow.it;

import static io.orderflow.it.OrderApi.Orders.anOrder;
import static io.orderflow.it.OrderApi.Orders.eventTypes;
import static io.orderflow.it.OrderApi.Orders.item;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A step that never answers: the carrier is down for good. The saga re-sends, then gives up, fails the
 * order and undoes everything, and its deadlines outlive a restart of the process.
 */
class SagaDeadlineIntegrationTest {

    static final Map<String, String> SILENT_CARRIER = Map.of(
            "orderflow.database.mode", "external",
            "orderflow.shipping.carrier.failure-rate", "1.0",
            "orderflow.saga.resend-after", "500ms",
            "orderflow.saga.deadlines.default", "3s",
            "orderflow.saga.deadline-check-interval", "100ms",
            "orderflow.messaging.retry.cap", "1s");

    String databaseUrl;
    RunningApp app;

    @BeforeEach
    void createDatabase() {
        databaseUrl = TestInfrastructure.createDatabase("orderflow_it");
    }

    @AfterEach
    void dropDatabase() {
        if (app != null) {
            app.close();
        }
        TestInfrastructure.dropDatabase(databaseUrl);
    }

    @Test
    void failsAndCompensatesAStepThatNeverAnswers() {
        app = start();
        OrderApi api = new OrderApi(app.baseUrl());
        String id = api.placeAccepted(anOrder(item("PROD-001", 1), "tok_visa", "US"));

        api.awaitEvent(id, "payment_refunded");
        JsonNode order = api.awaitEvent(id, "stock_released");

        assertThat(order.path("status").asString()).isEqualTo("failed");
        assertThat(order.path("failure_reason").asString()).isEqualTo("step_timed_out");
        assertThat(eventTypes(order)).contains("step_retried", "step_timed_out", "order_failed");
        assertThat(eventTypes(order).indexOf("step_retried"))
                .isLessThan(eventTypes(order).indexOf("step_timed_out"));
        assertThat(app.jdbc()
                        .sql("select status from payment.payment where order_id = ?")
                        .param(id)
                        .query(String.class)
                        .single())
                .isEqualTo("refunded");
        OrderScenarios.assertGapFree(order);
    }

    @Test
    void keepsItsDeadlinesAcrossARestart() {
        app = start();
        OrderApi api = new OrderApi(app.baseUrl());
        String id = api.placeAccepted(anOrder(item("PROD-002", 1), "tok_visa", "US"));
        api.awaitStatus(id, "shipping");
        app.close();
        app = null;

        app = start();
        JsonNode order = new OrderApi(app.baseUrl()).awaitStatus(id, "failed");

        assertThat(order.path("failure_reason").asString()).isEqualTo("step_timed_out");
    }

    private RunningApp start() {
        Map<String, String> properties = new HashMap<>(SILENT_CARRIER);
        properties.put("spring.datasource.url", databaseUrl);
        properties.put("spring.datasource.username", TestInfrastructure.PG_USER);
        properties.put("spring.datasource.password", TestInfrastructure.PG_PASSWORD);
        return RunningApp.start(properties);
    }
}
