package io.orderflow.messaging;

import io.orderflow.platform.Modules;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The message journal: what each module did with each message (sent, applied, a duplicate, retried, parked,
 * re-driven, discarded), with the instance, the attempt, the time in queue and in the handler, and the trace id.
 * Entries recorded inside a transaction are kept until just before it commits and then written in one statement
 * per module, so they commit with the work they describe (a rolled-back delivery leaves no entry) at the cost of
 * one statement, not one commit. Outside a transaction (a retry decided after the rollback) an entry is written
 * at once. Read by the operator's timeline; partitions are kept by {@link JournalMaintenance}.
 */
public class Journal {

    /** What happened to a message. */
    public enum Kind {
        SENT,
        APPLIED,
        DUPLICATE,
        RETRIED,
        PARKED,
        REDRIVEN,
        DISCARDED;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One journal row; see {@code db/migration/messaging/V4__journal.sql}.
     *
     * @param module the module that recorded it: the sender of a sent message, the receiver otherwise
     * @param attempt the delivery attempt (1 = first) of a handling; null for sent, re-driven and discarded
     */
    record Entry(
            Instant at,
            String module,
            Kind kind,
            Envelope envelope,
            @Nullable Integer attempt,
            @Nullable Duration inQueue,
            @Nullable Duration inHandler,
            @Nullable String detail) {}

    private final JdbcClient jdbc;
    private final boolean enabled;
    private final String instance;

    Journal(JdbcClient jdbc, boolean enabled, String instance) {
        this.jdbc = jdbc;
        this.enabled = enabled;
        this.instance = instance;
    }

    /** This process, as the journal names it: the host (a pod's name on Kubernetes) and the process id. */
    static String thisInstance() {
        String host = System.getenv("HOSTNAME");
        return (host == null || host.isBlank() ? "localhost" : host) + ":"
                + ProcessHandle.current().pid();
    }

    /** Records a message sent by {@code module}. */
    void sent(String module, Envelope envelope) {
        record(new Entry(envelope.occurredAt(), module, Kind.SENT, envelope, null, null, null, null));
    }

    /** Records a handling by {@code module} that started at {@code started}: applied, duplicate or retried. */
    void handled(
            String module,
            Kind kind,
            Envelope envelope,
            int attempt,
            Instant started,
            Duration inHandler,
            @Nullable String detail) {
        record(new Entry(started, module, kind, envelope, attempt, since(envelope, started), inHandler, detail));
    }

    /** Records a message parked in {@code module}'s dead letters after {@code attempts} attempts. */
    void parked(String module, Envelope envelope, int attempts, String error) {
        Instant now = Instant.now();
        record(new Entry(now, module, Kind.PARKED, envelope, attempts, since(envelope, now), null, error));
    }

    /** Records an operator's re-drive or discard of one of {@code module}'s dead letters. */
    public void operatorAction(String module, Kind kind, Envelope envelope, String operator, @Nullable String reason) {
        if (kind != Kind.REDRIVEN && kind != Kind.DISCARDED) {
            throw new IllegalArgumentException("not an operator action: " + kind);
        }
        String detail = reason == null || reason.isBlank() ? operator : operator + ": " + reason;
        record(new Entry(Instant.now(), module, kind, envelope, null, null, null, detail));
    }

    /** Time since the message was sent (null for an envelope too broken to say when). */
    @SuppressWarnings("NullAway") // an unreadable envelope (Envelopes.unreadable) may lack its send time
    private static @Nullable Duration since(Envelope envelope, Instant then) {
        Instant sent = envelope.occurredAt();
        return sent == null ? null : Duration.between(sent, then);
    }

    private void record(Entry entry) {
        if (!enabled) {
            return;
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            write(List.of(entry));
            return;
        }
        pending().entries.add(entry);
    }

    /** The entries of the current transaction (a suspended outer transaction keeps its own). */
    private Pending pending() {
        for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
            if (synchronization instanceof Pending pending && pending.journal == this) {
                return pending;
            }
        }
        Pending pending = new Pending(this);
        TransactionSynchronizationManager.registerSynchronization(pending);
        return pending;
    }

    /** Written just before the transaction commits, on its connection: nothing if it rolls back. */
    private static final class Pending implements TransactionSynchronization {
        private final Journal journal;
        private final List<Entry> entries = new ArrayList<>();

        Pending(Journal journal) {
            this.journal = journal;
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            if (!entries.isEmpty()) {
                journal.write(entries);
                entries.clear();
            }
        }

        @Override
        public int getOrder() {
            // after the handlers' own synchronizations that may still send (their entries must be in this batch)
            return LOWEST_PRECEDENCE;
        }
    }

    private void write(List<Entry> entries) {
        Map<String, List<Entry>> byModule = new LinkedHashMap<>();
        for (Entry entry : entries) {
            byModule.computeIfAbsent(entry.module(), m -> new ArrayList<>()).add(entry);
        }
        byModule.forEach(this::insert);
    }

    private void insert(String module, List<Entry> entries) {
        int size = entries.size();
        // every column as text, cast in SQL: one array parameter per column, whatever the driver's array support
        @Nullable String[][] columns = new String[11][size];
        for (int i = 0; i < size; i++) {
            Entry e = entries.get(i);
            Envelope envelope = e.envelope();
            columns[0][i] = e.at().toString();
            columns[1][i] = e.kind().wireName();
            columns[2][i] = envelope.messageId().toString();
            columns[3][i] = envelope.causationId() == null
                    ? null
                    : envelope.causationId().toString();
            columns[4][i] = envelope.type();
            columns[5][i] = envelope.orderId();
            columns[6][i] = e.attempt() == null ? null : e.attempt().toString();
            columns[7][i] = millis(e.inQueue());
            columns[8][i] = millis(e.inHandler());
            columns[9][i] = traceId(envelope);
            columns[10][i] = e.detail() == null ? null : abbreviate(e.detail());
        }
        // the schema comes from the module registry, never from input; every value is a bound array parameter
        jdbc.sql("insert into " + Modules.schemaOf(module) + ".journal (at, module, instance, kind, message_id, "
                        + "causation_id, type, order_id, attempt, queue_ms, handler_ms, trace_id, detail) "
                        + "select e.at::timestamptz, ?, ?, e.kind, e.message_id::uuid, e.causation_id::uuid, e.type, "
                        + "e.order_id, e.attempt::int, e.queue_ms::numeric, e.handler_ms::numeric, e.trace_id, e.detail "
                        + "from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], "
                        + "?::text[], ?::text[], ?::text[], ?::text[]) as e(at, kind, message_id, causation_id, type, "
                        + "order_id, attempt, queue_ms, handler_ms, trace_id, detail)")
                .params(
                        module,
                        instance,
                        columns[0],
                        columns[1],
                        columns[2],
                        columns[3],
                        columns[4],
                        columns[5],
                        columns[6],
                        columns[7],
                        columns[8],
                        columns[9],
                        columns[10])
                .update();
    }

    private static @Nullable String millis(@Nullable Duration duration) {
        if (duration == null) {
            return null;
        }
        // clocks of two processes may disagree by a little: a wait is never negative
        long nanos = Math.max(0, duration.toNanos());
        return BigDecimal.valueOf(nanos, 6).setScale(3, RoundingMode.HALF_UP).toPlainString();
    }

    /** The W3C trace id of the trace the message travels in, if it carries one. */
    static @Nullable String traceId(Envelope envelope) {
        String traceparent = envelope.headers().get("traceparent");
        return traceparent != null && traceparent.length() >= 35 ? traceparent.substring(3, 35) : null;
    }

    private static String abbreviate(String text) {
        return text.length() > 2000 ? text.substring(0, 2000) : text;
    }
}
