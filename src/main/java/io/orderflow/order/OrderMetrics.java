package io.orderflow.order;

import io.micrometer.core.instrument.Tags;
import io.orderflow.platform.SampledGauges;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The order module's gauges, from periodic queries over the orders:
 * <ul>
 * <li>{@code orderflow.orders{status}}: orders in each status (every status, zeros included)</li>
 * <li>{@code orderflow.saga.stage.oldest.age{stage}} (seconds): for each non-terminal status, how long the
 * order that has been in it longest has been there; a growing value is a stuck saga stage</li>
 * </ul>
 * The unfinished statuses are read at every sample, through the in-flight index ({@link Orders#inFlightByStatus()}).
 * The finished ones need a count over the whole table, which grows with every order, so they are counted at most
 * once per {@code orderflow.metrics.finished-count-interval} (1 minute) and keep their last value in between.
 */
@Component
class OrderMetrics {

    private final Orders orders;
    private final SampledGauges gauges;
    private final long finishedCountIntervalNanos;
    /** When the finished orders were last counted (nanoTime); set an interval back, so the first sample counts them. */
    private long finishedCountedAt;

    OrderMetrics(
            Orders orders,
            SampledGauges gauges,
            @Value("${orderflow.metrics.finished-count-interval:1m}") Duration finishedCountInterval) {
        if (finishedCountInterval.isNegative()) {
            throw new IllegalArgumentException(
                    "orderflow.metrics.finished-count-interval must not be negative, was " + finishedCountInterval);
        }
        this.orders = orders;
        this.gauges = gauges;
        this.finishedCountIntervalNanos = finishedCountInterval.toNanos();
        this.finishedCountedAt = System.nanoTime() - finishedCountIntervalNanos;
        gauges.register("orders", this::sample);
    }

    /** Runs on the gauges' one sampling thread. */
    void sample() {
        orders.inFlightByStatus().forEach((status, summary) -> {
            ordersIn(status, summary.orders());
            gauges.set(
                    "orderflow.saga.stage.oldest.age",
                    "Time the longest-waiting order has spent in this non-terminal status",
                    "seconds",
                    Tags.of("stage", status.wireName()),
                    summary.oldestAgeSeconds());
        });
        long now = System.nanoTime();
        if (now - finishedCountedAt >= finishedCountIntervalNanos) {
            orders.finishedByStatus().forEach(this::ordersIn);
            finishedCountedAt = now;
        }
    }

    private void ordersIn(OrderStatus status, long count) {
        gauges.set("orderflow.orders", "Orders by status", null, Tags.of("status", status.wireName()), count);
    }
}
