package io.orderflow.order;

import io.micrometer.core.instrument.Tags;
import io.orderflow.platform.SampledGauges;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The order module's gauges, from one periodic query over {@code orders.purchase_order}:
 * <ul>
 * <li>{@code orderflow.orders{status}}: orders in each status (every status, zeros included)</li>
 * <li>{@code orderflow.saga.stage.oldest.age{stage}} (seconds): for each non-terminal status, how long the
 * order that has been in it longest has been there; a growing value is a stuck saga stage</li>
 * </ul>
 */
@Component
class OrderMetrics {

    private final JdbcClient jdbc;
    private final SampledGauges gauges;

    OrderMetrics(JdbcClient jdbc, SampledGauges gauges) {
        this.jdbc = jdbc;
        this.gauges = gauges;
        gauges.register("orders", this::sample);
    }

    void sample() {
        Map<OrderStatus, Long> counts = new EnumMap<>(OrderStatus.class);
        Map<OrderStatus, Double> oldest = new EnumMap<>(OrderStatus.class);
        for (OrderStatus status : OrderStatus.values()) {
            counts.put(status, 0L);
            oldest.put(status, 0.0);
        }
        jdbc.sql("select status, count(*) as orders, "
                + "extract(epoch from now() - min(updated_at))::float8 as oldest from orders.purchase_order "
                + "group by status")
                .query((rs, n) -> {
                    OrderStatus status = OrderStatus.fromWireName(rs.getString("status"));
                    counts.put(status, rs.getLong("orders"));
                    oldest.put(status, Math.max(0, rs.getDouble("oldest")));
                    return status;
                })
                .list();
        counts.forEach((status, count) -> gauges.set("orderflow.orders", "Orders by status", null,
                Tags.of("status", status.wireName()), count));
        oldest.forEach((status, age) -> {
            if (!status.isTerminal()) {
                gauges.set("orderflow.saga.stage.oldest.age",
                        "Time the longest-waiting order has spent in this non-terminal status", "seconds",
                        Tags.of("stage", status.wireName()), age);
            }
        });
    }
}
