package io.orderflow.messaging;

import io.orderflow.platform.Modules;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * The transactional outbox: a message is a row written in the same local transaction as the state change
 * that caused it. After that transaction commits, the module's relay is woken to publish it.
 */
@Component
public class Outbox {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Transport transport;
    private final MessageTracing tracing;
    private final Journal journal;
    private final Map<String, Runnable> wakers = new ConcurrentHashMap<>();

    Outbox(JdbcClient jdbc, JsonMapper json, Transport transport, MessageTracing tracing, Journal journal) {
        this.jdbc = jdbc;
        this.journal = journal;
        this.json = json;
        this.transport = transport;
        this.tracing = tracing;
    }

    /**
     * Records {@code message} for publication, in the caller's transaction; there must be one, or the
     * message and the state change could part ways (a dual write). The current trace context travels in
     * the message's headers.
     */
    public UUID send(String module, Object message, @Nullable String orderId, @Nullable UUID causationId) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("Outbox.send needs the transaction of the state change it reports");
        }
        UUID messageId = UUID.randomUUID();
        Instant now = Instant.now();
        String type = MessageTypes.nameOf(message.getClass());
        String payload = json.writeValueAsString(message);
        // the sender's trace context (W3C traceparent): the consumer continues the trace
        Map<String, String> headers = tracing.currentHeaders();
        Envelope envelope =
                new Envelope(messageId, type, Envelope.CURRENT_VERSION, orderId, causationId, now, payload, headers);
        journal.sent(module, envelope);
        // same database as the queue: the queue row is written in this transaction (see ADR 0007)
        if (transport.publishWithinTransaction(envelope)) {
            return messageId;
        }
        // the schema name comes from the module registry, never from input; values are bound parameters
        jdbc.sql("insert into " + Modules.schemaOf(module) + ".outbox "
                        + "(message_id, type, version, order_id, causation_id, occurred_at, payload, headers) "
                        + "values (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)")
                .params(
                        messageId,
                        type,
                        Envelope.CURRENT_VERSION,
                        orderId,
                        causationId,
                        Timestamp.from(now),
                        payload,
                        json.writeValueAsString(headers))
                .update();
        wakeAfterCommit(module);
        return messageId;
    }

    void onCommit(String module, Runnable waker) {
        wakers.put(module, waker);
    }

    private void wakeAfterCommit(String module) {
        String key = "orderflow.outbox.wake." + module;
        if (TransactionSynchronizationManager.hasResource(key)) {
            return;
        }
        TransactionSynchronizationManager.bindResource(key, Boolean.TRUE);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(key);
                if (status == STATUS_COMMITTED) {
                    Runnable waker = wakers.get(module);
                    if (waker != null) {
                        waker.run();
                    }
                }
            }
        });
    }
}
