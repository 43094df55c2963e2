package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A new order that finds the pipeline full waits at the door (at most {@code max-wait}) and is accepted as soon as
 * an order finishes, instead of being refused for a whole {@code Retry-After}: here the limit is held at two orders
 * in flight, two slow orders fill it, and the wait allowed is far longer than they take.
 */
class AdmissionDoorIntegrationTest {

    @RegisterExtension
    static final LocalApp local = LocalApp.onPostgresTransport(Map.of(
            "orderflow.admission.enabled", "true",
            "orderflow.admission.initial-limit", "2",
            "orderflow.admission.min-limit", "2",
            "orderflow.admission.max-limit", "2",
            "orderflow.admission.sample-interval", "100ms",
            "orderflow.admission.max-wait", "25s",
            "orderflow.payment.provider.slow-card-latency", "2s"));

    @Test
    void anOrderThatFindsThePipelineFullWaitsAndIsAcceptedOnceAnOrderFinishes() {
        OrderApi api = OrderApi.guest(local.app().baseUrl());
        String slow = OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-001", 1), "tok_slow", null);
        String first = api.placeAccepted(slow);
        String second = api.placeAccepted(slow); // waits at the door, if need be, for the next count to see the first

        String third = api.placeAccepted(OrderApi.Orders.of("PROD-002", 1));

        Timestamp thirdAccepted = local.app()
                .jdbc()
                .sql("select created_at from orders.purchase_order where id = ?")
                .param(third)
                .query(Timestamp.class)
                .single();
        Timestamp firstFinished = local.app()
                .jdbc()
                .sql("select min(occurred_at) from orders.order_event where order_id in (?, ?) "
                        + "and type in ('order_completed', 'order_failed', 'order_cancelled')")
                .param(first)
                .param(second)
                .query(Timestamp.class)
                .single();
        assertThat(firstFinished)
                .as("a slow order had finished when the third came in")
                .isNotNull();
        assertThat(thirdAccepted).isAfterOrEqualTo(firstFinished);
        api.awaitStatus(first, "completed");
        api.awaitStatus(second, "completed");
        api.awaitStatus(third, "completed");
        assertThat(Scrape.of(local.app().baseUrl()).value("orderflow_admission_refused_total"))
                .as("nobody was refused: they waited")
                .isZero();
    }
}
