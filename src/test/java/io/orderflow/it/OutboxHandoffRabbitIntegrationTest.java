package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.messaging.Outbox;
import io.orderflow.platform.Modules;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * ADR 0018: on RabbitMQ every commit hands the envelopes it wrote to the outbox to the module's relay, which
 * publishes them from memory and deletes their rows; the sweep only recovers rows left past their grace. The sweep
 * runs once at start-up here and then not for an hour, so whatever moves after that moved through the hand-off.
 */
class OutboxHandoffRabbitIntegrationTest {

    @RegisterExtension
    static final LocalApp local = LocalApp.onRabbitMq(Map.of("orderflow.messaging.relay.sweep-interval", "1h"));

    @Test
    void everyHopOfAnOrderIsPublishedByTheHandoffAndItsRowsAreDeleted() {
        OrderApi api = new OrderApi(local.app().baseUrl());

        api.awaitStatus(api.placeAccepted(OrderApi.Orders.of("PROD-001", 1)), "completed");

        // the messages sent with the completion (CommitStock, OrderCompleted) may still be on their way
        Awaitility.await("every outbox row deleted by the relay that published it")
                .atMost(Duration.ofSeconds(30))
                .until(() -> outboxRows() == 0);
    }

    @Test
    void aRowIsDueForTheSweepOnlyTenSecondsAfterItsCommit() {
        Outbox outbox = local.app().bean(Outbox.class);
        TransactionTemplate tx = new TransactionTemplate(local.app().bean(PlatformTransactionManager.class));

        Double dueInSeconds = tx.execute(status -> {
            UUID id = outbox.send("shipping", new Probe("due"), "probe-" + UUID.randomUUID(), null);
            status.setRollbackOnly(); // never published: this only reads what the insert wrote
            return local.app()
                    .jdbc()
                    .sql("select extract(epoch from next_attempt_at - now()) from shipping.outbox "
                            + "where message_id = ?")
                    .param(id)
                    .query(Double.class)
                    .single();
        });

        // now() is the transaction's start in both the insert and the query
        assertThat(dueInSeconds).isEqualTo(10.0);
    }

    private static long outboxRows() {
        long rows = 0;
        for (String module : Modules.ALL) {
            rows += local.app()
                    .jdbc()
                    .sql("select count(*) from " + Modules.schemaOf(module) + ".outbox")
                    .query(Long.class)
                    .single();
        }
        return rows;
    }

    /** A message no module consumes; it is rolled back before anything could publish it. */
    record Probe(String text) {}
}
