package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.shipping.CarrierFaults;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A handler that fails a few times and then works: each message succeeds on the attempt after its last
 * failure, nothing is parked, and the waits between attempts grew, with jitter (full jitter: uniform in
 * [0, base·2^(n-1)], base 100 ms here).
 */
abstract class RetryScenarios {

    static final int FAILURES = 3;
    static final int ORDERS = 20;
    /**
     * The saga's own re-send (orderflow.saga.resend-after, 10 s by default) is kept out of the way: a re-sent
     * CreateShipment for an order still retrying would fail one more booking and add to the counts asserted here.
     */
    static final String NO_RESEND = "10m";

    abstract RunningApp app();

    @Test
    void succeedsOnTheAttemptAfterTheLastFailureWithGrowingJitteredBackoff() {
        CarrierFaults.failFirstBookingsOfEachOrder(app()::bean, FAILURES);
        OrderApi api = new OrderApi(app().baseUrl());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            ids.add(api.placeAccepted(OrderApi.Orders.of("PROD-002", 1)));
        }

        ids.forEach(id -> api.awaitStatus(id, "completed"));

        MeterRegistry meters = app().bean(MeterRegistry.class);
        List<DistributionSummary> byAttempt = new ArrayList<>();
        for (int attempt = 1; attempt <= FAILURES; attempt++) {
            DistributionSummary backoff = meters.find("orderflow.messages.retry.backoff")
                    .tags("module", "shipping", "attempt", Integer.toString(attempt))
                    .summary();
            assertThat(backoff).as("backoff after failed attempt " + attempt).isNotNull();
            assertThat(backoff.count())
                    .as("every order failed attempt " + attempt + " once")
                    .isEqualTo(ORDERS);
            assertThat(backoff.max())
                    .as("full jitter stays under the ceiling")
                    .isLessThanOrEqualTo(100.0 * (1 << (attempt - 1)));
            byAttempt.add(backoff);
        }
        assertThat(meters.find("orderflow.messages.retry.backoff")
                        .tags("module", "shipping", "attempt", Integer.toString(FAILURES + 1))
                        .summary())
                .as("no fourth failure")
                .isNull();
        // grew: the mean wait doubles with each attempt in expectation (50, 100, 200 ms)
        assertThat(byAttempt.get(2).mean()).isGreaterThan(byAttempt.get(0).mean());
        // jitter: twenty draws are not one value
        assertThat(byAttempt.get(2).max()).isGreaterThan(byAttempt.get(2).mean());
        assertThat(app().jdbc()
                        .sql("select count(*) from shipping.dead_letter")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(app().jdbc()
                        .sql("select count(*) from shipping.shipment where order_id = any(?)")
                        .param(ids.toArray(String[]::new))
                        .query(Long.class)
                        .single())
                .isEqualTo((long) ORDERS);
    }
}
