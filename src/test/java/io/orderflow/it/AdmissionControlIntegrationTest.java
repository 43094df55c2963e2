package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A full pipeline refuses new orders at once (503 with Retry-After) instead of letting them queue, with or without
 * an idempotency key: here the limit is held at two orders in flight, and two slow orders fill it.
 */
class AdmissionControlIntegrationTest {

    @RegisterExtension
    static final LocalApp local = LocalApp.onPostgresTransport(Map.of(
            "orderflow.admission.enabled", "true",
            "orderflow.admission.initial-limit", "2",
            "orderflow.admission.min-limit", "2",
            "orderflow.admission.max-limit", "2",
            "orderflow.admission.sample-interval", "100ms",
            "orderflow.payment.provider.slow-card-latency", "3s"));

    @Test
    void refusesNewOrdersWhileThePipelineIsFullAndTakesThemAgainOnceItDrains() {
        OrderApi api = OrderApi.guest(local.app().baseUrl());
        String slow = OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-001", 1), "tok_slow", null);
        String first = api.placeAccepted(slow);
        String second = api.placeAccepted(slow);

        OrderApi.Response refused = api.place(OrderApi.Orders.of("PROD-002", 1));

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.body().path("type").asString()).endsWith("/overloaded");
        OrderApi.Response refusedWithKey = api.place(OrderApi.Orders.of("PROD-002", 1), "retry-me");
        assertThat(refusedWithKey.status()).isEqualTo(503);
        assertThat(refusedWithKey.header("Retry-After")).isEqualTo("1");
        assertThat(local.app()
                        .jdbc()
                        .sql("select count(*) from orders.purchase_order")
                        .query(Long.class)
                        .single())
                .as("a refused order leaves nothing behind")
                .isEqualTo(2L);

        api.awaitStatus(first, "completed");
        api.awaitStatus(second, "completed");
        Awaitility.await("the pipeline takes orders again")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> api.place(OrderApi.Orders.of("PROD-002", 1)).status() == 202);
        assertThat(api.place(OrderApi.Orders.of("PROD-002", 1), "retry-me").status())
                .as("the refused request's idempotency key was not kept: its retry is a new order")
                .isEqualTo(202);
        assertThat(Scrape.of(local.app().baseUrl()).value("orderflow_admission_refused_total"))
                .isGreaterThanOrEqualTo(1);
    }
}
