package io.orderflow.messaging;

import io.orderflow.platform.AfterCommit;
import io.orderflow.platform.Modules;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * The transactional outbox: a message is a row written in the same local transaction as the state change
 * that caused it. After that transaction commits, the envelopes it wrote are handed to the module's relay, which
 * publishes them from memory and then deletes their rows; a row is due for the relay's sweep only after
 * {@link #HANDOFF_GRACE}, when a crash (or a failed publish) left it behind.
 */
@Component
public class Outbox {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final DirectEnqueue transport;
    private final MessageTracing tracing;
    private final Journal journal;
    private final Map<String, Consumer<List<Envelope>>> handoffs = new ConcurrentHashMap<>();

    /**
     * How long a row written by {@link #send} waits before the relay's sweep may publish it: the relay publishes it
     * from memory right after the commit, so the sweep only picks up what a crash left behind.
     */
    static final Duration HANDOFF_GRACE = Duration.ofSeconds(10);

    Outbox(JdbcClient jdbc, JsonMapper json, DirectEnqueue transport, MessageTracing tracing, Journal journal) {
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
        // due for the sweep only after the grace (on the database's clock): the relay publishes it from memory first
        jdbc.sql("insert into " + Modules.schemaOf(module) + ".outbox "
                        + "(message_id, type, version, order_id, causation_id, occurred_at, payload, headers, "
                        + "next_attempt_at) values (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, "
                        + "now() + ? * interval '1 millisecond')")
                .params(
                        messageId,
                        type,
                        Envelope.CURRENT_VERSION,
                        orderId,
                        causationId,
                        Timestamp.from(now),
                        payload,
                        json.writeValueAsString(headers),
                        HANDOFF_GRACE.toMillis())
                .update();
        handOffAfterCommit(module, envelope);
        return messageId;
    }

    /** Where the envelopes a transaction wrote to {@code module}'s outbox go once it has committed: its relay. */
    void onCommit(String module, Consumer<List<Envelope>> handoff) {
        handoffs.put(module, handoff);
    }

    private void handOffAfterCommit(String module, Envelope envelope) {
        AfterCommit.collect("orderflow.outbox.handoff." + module, ArrayList<Envelope>::new, envelopes -> {
                    Consumer<List<Envelope>> handoff = handoffs.get(module);
                    if (handoff != null) {
                        handoff.accept(envelopes);
                    }
                })
                .add(envelope);
    }
}
