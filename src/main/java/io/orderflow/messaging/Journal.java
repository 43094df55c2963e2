package io.orderflow.messaging;

import io.orderflow.platform.TransactionBound;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The message journal: what each module did with each message (sent, applied, a duplicate, retried, parked,
 * re-driven, discarded), with the instance, the attempt, the time in queue and in the handler, and the trace id.
 * Entries recorded inside a transaction are kept until it ends: a rolled-back delivery leaves no entry. How they
 * are written is {@code orderflow.journal.write}: {@code batched} (the default) hands a committed transaction's
 * entries to {@link JournalWriter}, which writes everyone's in one statement per module every flush interval;
 * {@code in-transaction} writes them just before the commit, in one statement per module, so they commit with
 * the work they describe, at the cost of that statement in every transaction. Read by the operator's timeline;
 * partitions are kept by {@link JournalMaintenance}.
 */
public class Journal {

    private static final Logger log = LoggerFactory.getLogger(Journal.class);

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
            Message message,
            @Nullable Integer attempt,
            @Nullable Duration inQueue,
            @Nullable Duration inHandler,
            @Nullable String detail) {}

    /**
     * What an entry keeps of its message: the identity, not the payload, so that a buffer of entries waiting for the
     * batched writer stays small.
     */
    record Message(
            UUID id,
            @Nullable UUID causationId,
            String type,
            @Nullable String orderId,
            @Nullable String traceId) {

        static Message of(Envelope envelope) {
            return new Message(
                    envelope.messageId(),
                    envelope.causationId(),
                    envelope.type(),
                    envelope.orderId(),
                    JournalWriter.traceId(envelope));
        }
    }

    /** Where the current transaction keeps its entries ({@link TransactionBound}), as the outbox keeps its rows. */
    private static final String PENDING = Journal.class.getName() + ".pending";

    private final JournalWriter writer;
    private final boolean enabled;

    Journal(JournalWriter writer, boolean enabled) {
        this.writer = writer;
        this.enabled = enabled;
    }

    /** This process, as the journal names it: the host (a pod's name on Kubernetes) and the process id. */
    static String thisInstance() {
        String host = System.getenv("HOSTNAME");
        return (host == null || host.isBlank() ? "localhost" : host) + ":"
                + ProcessHandle.current().pid();
    }

    /** Records a message sent by {@code module}. */
    void sent(String module, Envelope envelope) {
        record(new Entry(envelope.occurredAt(), module, Kind.SENT, Message.of(envelope), null, null, null, null));
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
        record(new Entry(
                started, module, kind, Message.of(envelope), attempt, since(envelope, started), inHandler, detail));
    }

    /** Records a message parked in {@code module}'s dead letters after {@code attempts} attempts. */
    void parked(String module, Envelope envelope, int attempts, String error) {
        Instant now = Instant.now();
        record(new Entry(now, module, Kind.PARKED, Message.of(envelope), attempts, since(envelope, now), null, error));
    }

    /** Records an operator's re-drive or discard of one of {@code module}'s dead letters. */
    public void operatorAction(String module, Kind kind, Envelope envelope, String operator, @Nullable String reason) {
        if (kind != Kind.REDRIVEN && kind != Kind.DISCARDED) {
            throw new IllegalArgumentException("not an operator action: " + kind);
        }
        String detail = reason == null || reason.isBlank() ? operator : operator + ": " + reason;
        record(new Entry(Instant.now(), module, kind, Message.of(envelope), null, null, null, detail));
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
            if (writer.batched()) {
                writer.offer(List.of(entry));
            } else {
                writer.writeNow(List.of(entry));
            }
            return;
        }
        // last: after the other collections of the transaction, whose callbacks may still send (and so record)
        TransactionBound.collectLast(PENDING, ArrayList<Entry>::new, this::writeBeforeCommit, this::offerAfterCommit)
                .add(entry);
    }

    /** In-transaction mode: a transaction's entries are written just before it commits, on its connection. */
    private void writeBeforeCommit(List<Entry> entries) {
        if (!writer.batched() && !entries.isEmpty()) {
            writer.writeNow(entries);
        }
    }

    /** Batched mode: a transaction's entries go to the writer's buffer once it has committed. */
    private void offerAfterCommit(List<Entry> entries) {
        if (writer.batched() && !entries.isEmpty()) {
            writer.offer(entries);
        }
    }

    /** Writes every entry buffered so far (the batched mode); the timeline calls this to read its own writes. */
    public void flush() {
        if (writer.batched()) { // only when the journal is on (see MessagingConfiguration)
            try {
                writer.flush();
            } catch (RuntimeException e) {
                // the reader gets what is in the database; the writer's thread keeps trying
                log.warn("journal: could not write the buffered entries now", e);
            }
        }
    }
}
