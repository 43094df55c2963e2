package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.messaging.Envelope;
import io.orderflow.messaging.rabbit.RabbitTransport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The RabbitMQ transport's consumer batches (ADR 0020): a backlog is applied several deliveries per transaction, and a
 * batch holding a poison message keeps nothing of itself and is applied one by one, each delivery with its own
 * outcome. A message twice in one batch, or again after it was applied, is applied once. The backlog waits in the
 * inventory queue before the application starts.
 */
class RabbitBatchDeliveryIntegrationTest {

    private final String namespace = TestInfrastructure.newNamespace();
    private final String databaseUrl = TestInfrastructure.createDatabase("orderflow_it");
    private RunningApp app;

    @AfterEach
    void tearDown() {
        if (app != null) {
            app.close();
        }
        TestInfrastructure.deleteNamespace(namespace);
        TestInfrastructure.dropDatabase(databaseUrl);
    }

    @Test
    void appliesABacklogInBatchesAndABatchWithAPoisonMessageOneByOne() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        List<Envelope> backlog = new ArrayList<>();
        List<UUID> poison = new ArrayList<>();
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            // two poison messages early on, in the batches that follow the first; the later batches hold none
            if (i == 10 || i == 20) {
                UUID id = UUID.randomUUID();
                poison.add(id);
                backlog.add(new Envelope(
                        id,
                        "ReserveStock",
                        1,
                        "poison-" + tag + "-" + i,
                        null,
                        Instant.now(),
                        "{\"order_id\":\"poison\",\"items\":\"not a list\"}",
                        Map.of()));
                continue;
            }
            String orderId = "batch-" + tag + "-" + i;
            orders.add(orderId);
            Envelope reserve = TestMessages.reserveStock(orderId);
            backlog.add(reserve);
            if (i == 60) {
                backlog.add(reserve); // the same message twice in a row: in one batch, recorded in the inbox once
            }
        }
        backlog.add(backlog.get(3)); // the same message again, long after it was applied
        CachingConnectionFactory rabbit = TestInfrastructure.rabbitConnectionFactory();
        try {
            new RabbitAdmin(rabbit).declareQueue(new Queue(namespace + ".inventory"));
            RabbitTransport sender = new RabbitTransport(
                    namespace, rabbit, new DataSourceTransactionManager(new DriverManagerDataSource()), 10, 1);
            backlog.forEach(envelope -> sender.redeliver("inventory", envelope));
            sender.stop();
        } finally {
            rabbit.destroy();
        }

        app = RunningApp.distributed("all", databaseUrl, namespace, Map.of());

        Awaitility.await("every delivery handled")
                .atMost(Duration.ofSeconds(60))
                .until(() -> batches().totalAmount() >= backlog.size());
        assertThat(app.jdbc()
                        .sql("select count(distinct order_id) from inventory.reservation_line where order_id like ?")
                        .param("batch-" + tag + "-%")
                        .query(Long.class)
                        .single())
                .isEqualTo(orders.size());
        assertThat(app.jdbc()
                        .sql("select reserved from inventory.stock where sku = 'PROD-002'")
                        .query(Integer.class)
                        .single())
                .as("each duplicate applied once")
                .isEqualTo(orders.size());
        assertThat(app.bean(MeterRegistry.class)
                        .counter(
                                "orderflow.messages.received",
                                "module",
                                "inventory",
                                "type",
                                "ReserveStock",
                                "outcome",
                                "duplicate")
                        .count())
                .isEqualTo(2);
        for (UUID id : poison) {
            assertThat(app.jdbc()
                            .sql("select attempts from inventory.dead_letter where message_id = ?")
                            .param(id)
                            .query(Integer.class)
                            .single())
                    .isEqualTo(1);
        }
        assertThat(batches().count()).as("fewer transactions than deliveries").isLessThan(backlog.size());
        assertThat(rolledBack())
                .as("batches holding a poison message rolled back")
                .isGreaterThanOrEqualTo(1);
    }

    private DistributionSummary batches() {
        return app.bean(MeterRegistry.class).summary("orderflow.messages.batch.size", "module", "inventory");
    }

    private double rolledBack() {
        return app.bean(MeterRegistry.class)
                .counter("orderflow.messages.batch.rolled_back", "module", "inventory")
                .count();
    }
}
