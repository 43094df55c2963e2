package io.orderflow.order;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderflow.platform.ModuleDatabase;
import io.orderflow.platform.SampledGauges;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

/**
 * The orders-by-status gauges: the unfinished statuses (and their stages' oldest ages) at every sample, through the
 * in-flight index; the finished ones, which need a count over the whole table, once per interval. Samples are taken
 * by the test (the gauges' own thread is not started).
 */
class OrderMetricsIntegrationTest {

    @RegisterExtension
    static final ModuleDatabase db = ModuleDatabase.of("order");

    private final Orders orders = new Orders(db.jdbc(), JsonMapper.builder().build());

    @Test
    void unfinishedOrdersAreCountedAtEverySampleAndFinishedOnesOncePerInterval() {
        db.jdbc().sql("delete from orders.purchase_order").update();
        insert("payment_processing", Duration.ofMinutes(3));
        insert("payment_processing", Duration.ofSeconds(5));
        insert("completed", Duration.ofMinutes(10));
        insert("failed", Duration.ofMinutes(10));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OrderMetrics metrics =
                new OrderMetrics(orders, new SampledGauges(registry, Duration.ofHours(1)), Duration.ofHours(1));

        metrics.sample();

        assertThat(ordersIn(registry, "payment_processing")).isEqualTo(2);
        assertThat(ordersIn(registry, "pending")).isZero();
        assertThat(ordersIn(registry, "completed")).isEqualTo(1);
        assertThat(ordersIn(registry, "failed")).isEqualTo(1);
        assertThat(ordersIn(registry, "cancelled")).isZero();
        assertThat(oldestAge(registry, "payment_processing")).isBetween(179.0, 600.0);
        assertThat(oldestAge(registry, "shipping")).isZero();
        assertThat(registry.find("orderflow.saga.stage.oldest.age")
                        .tag("stage", "completed")
                        .gauge())
                .as("a finished order has no stage to be stuck in")
                .isNull();

        insert("shipping", Duration.ofSeconds(1));
        insert("completed", Duration.ofSeconds(1));
        metrics.sample(); // within the interval: the finished counts keep their value

        assertThat(ordersIn(registry, "shipping")).isEqualTo(1);
        assertThat(ordersIn(registry, "completed")).isEqualTo(1);

        SimpleMeterRegistry everySample = new SimpleMeterRegistry();
        OrderMetrics eager =
                new OrderMetrics(orders, new SampledGauges(everySample, Duration.ofHours(1)), Duration.ZERO);
        eager.sample();
        insert("cancelled", Duration.ofSeconds(1));
        eager.sample();

        assertThat(ordersIn(everySample, "completed")).isEqualTo(2);
        assertThat(ordersIn(everySample, "cancelled")).isEqualTo(1);
    }

    @Test
    void theDiagramsCountsHaveEveryStatus() {
        db.jdbc().sql("delete from orders.purchase_order").update();
        insert("pending", Duration.ofSeconds(1));
        insert("cancelled", Duration.ofSeconds(1));
        insert("cancelled", Duration.ofSeconds(2));

        var summary = orders.summaryByStatus();

        assertThat(summary).hasSize(OrderStatus.values().length);
        assertThat(summary.get(OrderStatus.PENDING).orders()).isEqualTo(1);
        assertThat(summary.get(OrderStatus.PENDING).oldestAgeSeconds()).isPositive();
        assertThat(summary.get(OrderStatus.CANCELLED)).isEqualTo(new Orders.StatusSummary(2, 0));
        assertThat(summary.get(OrderStatus.COMPLETED)).isEqualTo(new Orders.StatusSummary(0, 0));
        assertThat(summary.get(OrderStatus.SHIPPING)).isEqualTo(new Orders.StatusSummary(0, 0));
    }

    private static double ordersIn(SimpleMeterRegistry registry, String status) {
        return Objects.requireNonNull(
                        registry.find("orderflow.orders").tag("status", status).gauge(), status)
                .value();
    }

    private static double oldestAge(SimpleMeterRegistry registry, String stage) {
        Gauge gauge = registry.find("orderflow.saga.stage.oldest.age")
                .tag("stage", stage)
                .gauge();
        return Objects.requireNonNull(gauge, stage).value();
    }

    private static void insert(String status, Duration unchangedFor) {
        Timestamp at = Timestamp.from(Instant.now().minus(unchangedFor));
        db.jdbc()
                .sql("insert into orders.purchase_order (id, customer_email, status, items, version, created_at, "
                        + "updated_at) values (?, 'a@example.com', ?, '[]'::jsonb, 1, ?, ?)")
                .params(UUID.randomUUID().toString(), status, at, at)
                .update();
    }
}
