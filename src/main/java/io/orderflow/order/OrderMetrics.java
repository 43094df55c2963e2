package io.orderflow.order;

import io.micrometer.core.instrument.Tags;
import io.orderflow.platform.SampledGauges;
import org.springframework.stereotype.Component;

/**
 * The order module's gauges, from one periodic query over the orders ({@link Orders#summaryByStatus()}):
 * <ul>
 * <li>{@code orderflow.orders{status}}: orders in each status (every status, zeros included)</li>
 * <li>{@code orderflow.saga.stage.oldest.age{stage}} (seconds): for each non-terminal status, how long the
 * order that has been in it longest has been there; a growing value is a stuck saga stage</li>
 * </ul>
 */
@Component
class OrderMetrics {

    private final Orders orders;
    private final SampledGauges gauges;

    OrderMetrics(Orders orders, SampledGauges gauges) {
        this.orders = orders;
        this.gauges = gauges;
        gauges.register("orders", this::sample);
    }

    void sample() {
        orders.summaryByStatus().forEach((status, summary) -> {
            gauges.set(
                    "orderflow.orders",
                    "Orders by status",
                    null,
                    Tags.of("status", status.wireName()),
                    summary.orders());
            if (!status.isTerminal()) {
                gauges.set(
                        "orderflow.saga.stage.oldest.age",
                        "Time the longest-waiting order has spent in this non-terminal status",
                        "seconds",
                        Tags.of("stage", status.wireName()),
                        summary.oldestAgeSeconds());
            }
        });
    }
}
