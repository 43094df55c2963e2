package io.orderflow.messaging;

import io.orderflow.platform.Modules;
import io.orderflow.platform.PipelinedCommitTransactionManager;
import io.orderflow.platform.TransactionBound;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * The transactional outbox: a message is a row written in the same local transaction as the state change
 * that caused it (just before the commit, all of a transaction's rows of one module in one statement). After that
 * transaction commits, the envelopes it wrote are handed to the module's relay, which
 * publishes them from memory and then deletes their rows; a row is due for the relay's sweep only after
 * {@link #HANDOFF_GRACE}, when a crash (or a failed publish) left it behind.
 */
@Component
public class Outbox {

    private final DataSource dataSource;
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

    Outbox(
            DataSource dataSource,
            JdbcClient jdbc,
            JsonMapper json,
            DirectEnqueue transport,
            MessageTracing tracing,
            Journal journal) {
        this.dataSource = dataSource;
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
        sentInThisTransaction(module).envelopes.add(envelope);
        return messageId;
    }

    /** The most rows one insert writes (nine parameters each, far below PostgreSQL's 65,535). */
    public static final int ROWS_PER_INSERT = 500;

    private static final String SENT = "orderflow.outbox.sent";

    /** The envelopes a transaction sent to one module's outbox, and how many of them have rows already. */
    private static final class Sent {
        final List<Envelope> envelopes = new ArrayList<>();
        int written;
    }

    /**
     * What the current transaction sent to {@code module}'s outbox: its rows are written just before the commit, in
     * one statement per module however many messages the transaction sent (a reply that completes an order sends two
     * or three), so they commit with the state change or roll back with it, as rows inserted at once would; once it
     * has committed, the envelopes are handed to the module's relay.
     */
    private Sent sentInThisTransaction(String module) {
        Map<String, Sent> sent = TransactionBound.collect(
                SENT, LinkedHashMap<String, Sent>::new, rows -> write(rows, true), this::handOff);
        return sent.computeIfAbsent(module, m -> new Sent());
    }

    /**
     * Writes the rows the current transaction has sent so far now rather than just before its commit, for a caller
     * that reads its own outbox rows before committing. Nothing to do outside a transaction or when none are waiting.
     */
    public void flush() {
        Map<String, Sent> sent = TransactionBound.current(SENT);
        if (sent != null) {
            write(sent, false);
        }
    }

    /**
     * Inserts the rows not written yet: just before the commit ({@code withCommit}), in the commit's own round trip
     * where the transaction manager can send them with it (ADR 0025), else now.
     */
    private void write(Map<String, Sent> sent, boolean withCommit) {
        sent.forEach((module, s) -> {
            insert(module, s.envelopes.subList(s.written, s.envelopes.size()), withCommit);
            s.written = s.envelopes.size();
        });
    }

    /** Hands each module's envelopes to its relay, once the transaction that wrote their rows has committed. */
    private void handOff(Map<String, Sent> sent) {
        sent.forEach((module, s) -> {
            Consumer<List<Envelope>> handoff = handoffs.get(module);
            if (handoff != null) {
                handoff.accept(s.envelopes);
            }
        });
    }

    private void insert(String module, List<Envelope> rows, boolean withCommit) {
        for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
            List<Envelope> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
            // the schema name comes from the module registry, never from input; values are bound parameters. A row is
            // due for the sweep only after the grace (on the database's clock): the relay publishes it from memory
            // first
            StringBuilder sql = new StringBuilder("insert into ")
                    .append(Modules.schemaOf(module))
                    .append(
                            ".outbox (message_id, type, version, order_id, causation_id, occurred_at, payload, headers, ")
                    .append("next_attempt_at) values ");
            List<@Nullable Object> params = new ArrayList<>(chunk.size() * 9);
            for (int i = 0; i < chunk.size(); i++) {
                Envelope e = chunk.get(i);
                sql.append(i == 0 ? "" : ", ")
                        .append("(?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, now() + ? * interval '1 millisecond')");
                params.add(e.messageId());
                params.add(e.type());
                params.add(e.version());
                params.add(e.orderId());
                params.add(e.causationId());
                params.add(Timestamp.from(e.occurredAt()));
                params.add(e.payload());
                params.add(json.writeValueAsString(e.headers()));
                params.add(HANDOFF_GRACE.toMillis());
            }
            if (!withCommit || !PipelinedCommitTransactionManager.deferToCommit(dataSource, sql.toString(), params)) {
                jdbc.sql(sql.toString()).params(params).update();
            }
        }
    }

    /** Where the envelopes a transaction wrote to {@code module}'s outbox go once it has committed: its relay. */
    void onCommit(String module, Consumer<List<Envelope>> handoff) {
        handoffs.put(module, handoff);
    }
}
