package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.messaging.Outbox;
import io.orderflow.platform.Modules;
import io.orderflow.platform.PipelinedCommitTransactionManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
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
            outbox.flush(); // the rows are written just before the commit otherwise
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

    @Test
    void aTransactionsMessagesAreWrittenTogetherInTheOrderTheyWereSent() {
        Outbox outbox = local.app().bean(Outbox.class);
        TransactionTemplate tx = new TransactionTemplate(local.app().bean(PlatformTransactionManager.class));
        String orderId = "probe-" + UUID.randomUUID();
        int sent = Outbox.ROWS_PER_INSERT + 2; // more than one insert holds

        List<String> written = tx.execute(status -> {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < sent; i++) {
                outbox.send("shipping", new Probe("message " + i), orderId, null);
                texts.add("message " + i);
            }
            outbox.send("payment", new Probe("to another module"), orderId, null);
            long beforeFlush = rowsOf(orderId);
            outbox.flush();
            status.setRollbackOnly(); // never published: this only reads what the inserts wrote
            assertThat(beforeFlush)
                    .as("nothing written before the commit (or a flush)")
                    .isZero();
            assertThat(local.app()
                            .jdbc()
                            .sql("select count(*) from payment.outbox where order_id = ?")
                            .param(orderId)
                            .query(Long.class)
                            .single())
                    .isEqualTo(1);
            return local.app()
                    .jdbc()
                    .sql("select payload->>'text' from shipping.outbox where order_id = ? order by id")
                    .param(orderId)
                    .query(String.class)
                    .list();
        });

        assertThat(written).hasSize(sent).containsExactlyElementsOf(expected(sent));
        assertThat(rowsOf(orderId)).as("rolled back with the transaction").isZero();
    }

    @Test
    void theRowsAreWrittenInTheRoundTripThatCommits() {
        Outbox outbox = local.app().bean(Outbox.class);
        PlatformTransactionManager transactions = local.app().bean(PlatformTransactionManager.class);
        assertThat(transactions).isInstanceOf(PipelinedCommitTransactionManager.class);
        String orderId = "probe-" + UUID.randomUUID();
        List<Long> justBeforeTheCommit = new ArrayList<>();

        try {
            new TransactionTemplate(transactions).executeWithoutResult(status -> {
                outbox.send("shipping", new Probe("with the commit"), orderId, null);
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void beforeCompletion() { // after every beforeCommit callback, the outbox's included
                        justBeforeTheCommit.add(rowsOf(orderId));
                    }
                });
            });

            assertThat(justBeforeTheCommit)
                    .as("not written before the commit's round trip")
                    .containsExactly(0L);
            // committed (a message no module consumes: unroutable, the relay leaves its row)
            assertThat(rowsOf(orderId)).isEqualTo(1);
        } finally {
            deleteRowsOf(orderId);
        }
    }

    @Test
    void aTransactionStartedInsideAnotherWritesItsOwnRows() {
        Outbox outbox = local.app().bean(Outbox.class);
        PlatformTransactionManager transactions = local.app().bean(PlatformTransactionManager.class);
        TransactionTemplate inner = new TransactionTemplate(transactions);
        inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        String orderId = "probe-" + UUID.randomUUID();

        try {
            new TransactionTemplate(transactions).executeWithoutResult(outer -> {
                outbox.send("shipping", new Probe("outer"), orderId, null);
                inner.executeWithoutResult(s -> outbox.send("shipping", new Probe("inner"), orderId, null));
                outer.setRollbackOnly();
            });

            // the inner transaction committed its message; the outer one's rolled back with it (a message no module
            // consumes: unroutable, the relay leaves its row)
            assertThat(local.app()
                            .jdbc()
                            .sql("select payload->>'text' from shipping.outbox where order_id = ?")
                            .param(orderId)
                            .query(String.class)
                            .list())
                    .containsExactly("inner");
        } finally {
            deleteRowsOf(orderId);
        }
    }

    private static List<String> expected(int sent) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            texts.add("message " + i);
        }
        return texts;
    }

    private static void deleteRowsOf(String orderId) {
        local.app()
                .jdbc()
                .sql("delete from shipping.outbox where order_id = ?")
                .param(orderId)
                .update();
    }

    private static long rowsOf(String orderId) {
        return local.app()
                .jdbc()
                .sql("select count(*) from shipping.outbox where order_id = ?")
                .param(orderId)
                .query(Long.class)
                .single();
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
