package io.orderflow.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.platform.AfterCommit;
import io.orderflow.platform.Modules;
import io.orderflow.platform.PipelinedCommitTransactionManager;
import io.orderflow.platform.TransactionBound;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hands a delivered envelope to its module's handler, exactly once per message id: the inbox row and the
 * handler's effects (state and outbox rows) commit in the transport's transaction, or not at all.
 */
public class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Outbox outbox;
    private final RetryPolicy retryPolicy;
    private final MeterRegistry meters;
    private final MessageTracing tracing;
    private final Journal journal;
    /** When this thread's last delivery attempt started (nanoTime): a retry's journal entry says how long it ran. */
    private final ThreadLocal<long[]> attemptStarted = ThreadLocal.withInitial(() -> new long[1]);
    /** {@code module:Type} pairs this dispatcher loses on purpose (see {@link #losing}); empty outside fault tests. */
    private final Set<String> lost;
    /** {@code module:Type} pairs (or {@code module:*}) whose inbox check this dispatcher skips; see {@link #skippingInbox}. */
    private final Set<String> inboxSkipped;
    /** The chaos harness's runtime faults; all off unless switched on through the chaos controls. */
    private final TransportFaults faults;

    Dispatcher(
            DataSource dataSource,
            JdbcClient jdbc,
            JsonMapper json,
            Outbox outbox,
            RetryPolicy retryPolicy,
            MeterRegistry meters,
            MessageTracing tracing,
            Journal journal,
            Set<String> lost,
            Set<String> inboxSkipped,
            TransportFaults faults) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.json = json;
        this.outbox = outbox;
        this.retryPolicy = retryPolicy;
        this.meters = meters;
        this.tracing = tracing;
        this.journal = journal;
        this.lost = Set.copyOf(lost);
        this.inboxSkipped = Set.copyOf(inboxSkipped);
        this.faults = faults;
        if (!this.inboxSkipped.isEmpty()) {
            log.warn(
                    "orderflow.chaos.skip-inbox is set: a second delivery of {} will be applied again. A fault for "
                            + "testing that the invariant checker sees a broken guarantee; never in production",
                    new TreeSet<>(this.inboxSkipped));
        }
        if (!this.lost.isEmpty()) {
            log.warn(
                    "orderflow.chaos.lose-messages is set: {} will be acknowledged and not applied. A fault for testing "
                            + "that the invariant checker sees a broken guarantee; never in production",
                    new TreeSet<>(this.lost));
        }
    }

    /**
     * A test-only breaker of the exactly-once guarantee ({@code orderflow.chaos.skip-inbox=module:Type,...}, or
     * {@code module:*} for every type): a matching message that the module's inbox has seen before is applied again
     * instead of being dropped, as a module without an inbox would. With duplicate delivery (the chaos fault
     * {@code duplicate}, or any broker redelivery) its effects happen twice; the chaos harness's
     * {@code --break-inbox} sets it, to show that the checker catches that (docs/reliability.md).
     */
    private boolean skippingInbox(String module, String type) {
        return !inboxSkipped.isEmpty()
                && (inboxSkipped.contains(module + ":" + type) || inboxSkipped.contains(module + ":*"));
    }

    /**
     * A test-only breaker of the delivery guarantee ({@code orderflow.chaos.lose-messages=module:Type,...}): a
     * matching message is recorded in the inbox and its transaction commits, but its handler never runs, as if a
     * transport had acknowledged a message and lost it. The chaos harness's {@code --break} sets it, to show that
     * the checker catches a run whose guarantee is broken (docs/reliability.md).
     */
    private boolean losing(String module, String type) {
        return !lost.isEmpty() && lost.contains(module + ":" + type);
    }

    /**
     * Applies the message unless this module has applied it before. Must run inside the transport's
     * transaction. Returns false for a duplicate.
     *
     * @throws PoisonMessageException when no retry can help (unknown type, malformed payload)
     */
    public boolean dispatch(MessageHandlers handlers, Envelope envelope) {
        return dispatch(handlers, envelope, 0);
    }

    /** {@link #dispatch}, for the attempt after {@code failedBefore} failed ones (the journal records which). */
    public boolean dispatch(MessageHandlers handlers, Envelope envelope, int failedBefore) {
        return dispatch(handlers, envelope, Inbox.NOT_RECORDED, failedBefore);
    }

    /**
     * {@link #dispatch} for a transport that recorded the message in the module's {@link #inboxTable inbox} in
     * the statement that claimed it (one round trip fewer per delivery): {@code firstDelivery} says whether that
     * insert added the row ({@code on conflict do nothing}), so the inbox is not asked again.
     */
    public boolean dispatchRecorded(
            MessageHandlers handlers, Envelope envelope, boolean firstDelivery, int failedBefore) {
        return dispatch(handlers, envelope, firstDelivery ? Inbox.RECORDED_NOW : Inbox.RECORDED_BEFORE, failedBefore);
    }

    /** One delivery of a consumer batch: its envelope, and how many attempts at it had failed before. */
    public record Delivery(Envelope envelope, int failedBefore) {}

    /**
     * Applies a consumer batch (ADR 0020) in the transport's transaction: records every delivery in the module's inbox
     * with one statement, then applies, in order, those that statement recorded, and drops the others as duplicates
     * (a message id twice in one batch is applied once). Any failure ends the batch; the transport then rolls it back
     * and handles each delivery on its own ({@link #dispatch}), with its own outcome. A batch of one is recorded in the
     * inbox last instead ({@link #dispatchAlone}).
     */
    public void dispatchBatch(MessageHandlers handlers, List<Delivery> batch) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("dispatchBatch must run in the transport's transaction");
        }
        if (batch.size() == 1) {
            dispatchAlone(handlers, batch.get(0));
            return;
        }
        Set<UUID> recorded = new HashSet<>(jdbc.sql("insert into " + inboxTable(handlers.module())
                        + " (message_id, type) select * from unnest(?::uuid[], ?::text[]) on conflict do nothing "
                        + "returning message_id")
                .params(
                        batch.stream().map(d -> d.envelope().messageId()).toArray(UUID[]::new),
                        batch.stream().map(d -> d.envelope().type()).toArray(String[]::new))
                .query(UUID.class)
                .list());
        for (Delivery d : batch) {
            // removed once applied: a second delivery of the same message in this batch is a duplicate
            boolean first = recorded.remove(d.envelope().messageId());
            dispatch(handlers, d.envelope(), first ? Inbox.RECORDED_NOW : Inbox.RECORDED_BEFORE, d.failedBefore());
        }
    }

    /**
     * Applies a consumer batch's only delivery (ADR 0020), in the transport's transaction, and records it in the
     * module's inbox last, in the round trip that commits (ADR 0025): one round trip fewer than recording it first,
     * which an order that travels alone pays on every hop. The insert has no {@code on conflict} clause, so a message
     * the module has applied before fails the commit on the inbox's key, and nothing of this transaction is kept; the
     * transport then handles the delivery on its own ({@link #dispatch}), as after any failed batch, which finds it in
     * the inbox and drops it. So a duplicate, rare, costs a second transaction, and the handler runs before the inbox
     * is asked: batches are for modules whose handlers touch nothing but their database
     * ({@link MessageHandlers#batchable}).
     */
    private void dispatchAlone(MessageHandlers handlers, Delivery delivery) {
        Envelope envelope = delivery.envelope();
        String module = handlers.module();
        TransactionBound.collect(
                        INBOX_LAST, ArrayList<Envelope>::new, recorded -> recordLast(module, recorded), recorded -> {})
                .add(envelope);
        dispatch(handlers, envelope, Inbox.RECORDED_NOW, delivery.failedBefore());
    }

    private static final String INBOX_LAST = "orderflow.inbox.last";

    /** The inbox rows of {@link #dispatchAlone}, just before the commit: sent with it where the manager can. */
    private void recordLast(String module, List<Envelope> recorded) {
        String sql =
                "insert into " + inboxTable(module) + " (message_id, type) select * from unnest(?::uuid[], ?::text[])";
        List<Object> params = List.of(
                recorded.stream().map(Envelope::messageId).toArray(UUID[]::new),
                recorded.stream().map(Envelope::type).toArray(String[]::new));
        if (!PipelinedCommitTransactionManager.deferToCommit(dataSource, sql, params)) {
            jdbc.sql(sql).params(params).update();
        }
    }

    /**
     * The module's inbox, {@code (message_id uuid primary key, type text)}: one row per message applied. A
     * transport that records deliveries itself inserts there, in the transaction that applies the message.
     */
    public static String inboxTable(String module) {
        return Modules.schemaOf(module) + ".inbox";
    }

    /** Whether the transport's own statement already recorded the delivery in the inbox, and with what result. */
    private enum Inbox {
        NOT_RECORDED,
        RECORDED_NOW,
        RECORDED_BEFORE
    }

    private boolean dispatch(MessageHandlers handlers, Envelope envelope, Inbox inbox, int failedBefore) {
        attemptStarted.get()[0] = System.nanoTime();
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("dispatch must run in the transport's transaction");
        }
        rejectOversized(handlers.module(), envelope);
        // one span per delivery, continuing the sender's trace; order_id in the MDC for every log line
        return tracing.handle(handlers.module(), envelope, () -> apply(handlers, envelope, inbox, failedBefore + 1));
    }

    private boolean apply(MessageHandlers handlers, Envelope envelope, Inbox inbox, int attempt) {
        Instant started = Instant.now();
        long startedNanos = System.nanoTime();
        log.debug("{} handling {} {}", handlers.module(), envelope.type(), envelope.messageId());
        var handler = handlers.handlerFor(envelope.type());
        if (handler == null) {
            throw new PoisonMessageException(
                    "module " + handlers.module() + " has no handler for type '" + envelope.type() + "'");
        }
        Object message;
        try {
            message = json.readValue(envelope.payload(), handler.type());
        } catch (JacksonException e) {
            throw new PoisonMessageException(
                    "payload of " + envelope.type() + " is not readable: " + e.getOriginalMessage(), e);
        }
        boolean fresh = switch (inbox) {
            case RECORDED_NOW -> true;
            case RECORDED_BEFORE -> false;
            case NOT_RECORDED ->
                jdbc.sql("insert into " + inboxTable(handlers.module()) + " (message_id, type) "
                                        + "values (?, ?) on conflict do nothing")
                                .params(envelope.messageId(), envelope.type())
                                .update()
                        == 1;
        };
        boolean inboxSkippedNow = !fresh && skippingInbox(handlers.module(), envelope.type());
        if (inboxSkippedNow) {
            log.warn(
                    "{} applies {} {} a second time on purpose (orderflow.chaos.skip-inbox)",
                    handlers.module(),
                    envelope.type(),
                    envelope.messageId());
            count(handlers.module(), envelope.type(), "applied_again");
        }
        if (!fresh && !inboxSkippedNow) {
            log.debug("{} already applied {} {}", handlers.module(), envelope.type(), envelope.messageId());
            count(handlers.module(), envelope.type(), "duplicate");
            journal.handled(
                    handlers.module(),
                    Journal.Kind.DUPLICATE,
                    envelope,
                    attempt,
                    started,
                    Duration.ofNanos(System.nanoTime() - startedNanos),
                    null);
            return false;
        }
        if (losing(handlers.module(), envelope.type())) {
            log.warn(
                    "{} lost {} {} on purpose (orderflow.chaos.lose-messages)",
                    handlers.module(),
                    envelope.type(),
                    envelope.messageId());
            count(handlers.module(), envelope.type(), "lost");
            return true;
        }
        handler.handle(message, new MessageContext(handlers.module(), envelope, outbox));
        count(handlers.module(), envelope.type(), "applied");
        journal.handled(
                handlers.module(),
                Journal.Kind.APPLIED,
                envelope,
                attempt,
                started,
                Duration.ofNanos(System.nanoTime() - startedNanos),
                null);
        if (faults.duplicating() && fresh) { // a second delivery is not duplicated again
            // chaos fault "duplicate": the same envelope once more on this module's queue (in this transaction where
            // the transport allows it), as a broker that redelivers an acknowledged message; the inbox must drop it
            faults.duplicate(handlers.module(), envelope);
        }
        return true;
    }

    private final Map<String, DistributionSummary> batchSizes = new ConcurrentHashMap<>();

    /**
     * A transport applied {@code size} deliveries of {@code module} in one transaction (a consumer batch, ADR 0020)
     * and committed it: recorded in {@code orderflow.messages.batch.size}.
     */
    public void batchCommitted(String module, int size) {
        batchSizes
                .computeIfAbsent(
                        module,
                        m -> DistributionSummary.builder("orderflow.messages.batch.size")
                                .description("Deliveries applied in one consumer transaction")
                                .tag("module", m)
                                .register(meters))
                .record(size);
    }

    /**
     * A consumer batch failed and nothing of it was kept; the transport applies its deliveries one by one next, each
     * with its own outcome. Counted in {@code orderflow.messages.batch.rolled_back}.
     */
    public void batchRolledBack(String module, int size, RuntimeException error) {
        meters.counter("orderflow.messages.batch.rolled_back", "module", module).increment();
        log.debug("{} rolled back a batch of {} ({}); applying them one by one", module, size, error.toString());
    }

    /** Larger payloads are parked unread: no contract message comes near this, and parsing one costs memory. */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;

    private static void rejectOversized(String module, Envelope envelope) {
        String payload = envelope.payload();
        // a char takes at most 3 UTF-8 bytes (a surrogate pair 4 for 2 chars): only long strings are encoded
        if (payload != null
                && payload.length() > MAX_PAYLOAD_BYTES / 3
                && payload.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
            throw new PoisonMessageException(
                    "payload of " + envelope.type() + " for " + module + " exceeds " + MAX_PAYLOAD_BYTES + " bytes");
        }
    }

    /** The received-message counters by module, type and outcome, registered on first use. */
    private final Map<String, Counter> received = new ConcurrentHashMap<>();

    private void count(String module, String type, String outcome) {
        // counted after commit only: a rolled-back attempt is not an application
        Counter counter = received.computeIfAbsent(
                module + '\n' + type + '\n' + outcome,
                key -> meters.counter(
                        "orderflow.messages.received", "module", module, "type", type, "outcome", outcome));
        AfterCommit.run(counter::increment);
    }

    /**
     * What becomes of a delivery whose handling failed (the transport rolled its effects back): tried again after
     * a backoff while the retry policy allows, parked otherwise, and parked at once when no retry can help
     * ({@link PoisonMessageException}). Counted and logged here; the transport only carries the decision out
     * ({@link Failed.Retry}: back on its queue after the backoff; {@link Failed.Park}: {@link #park} in the
     * transaction that removes it from its queue).
     *
     * @param failedBefore how many attempts had failed before this one
     * @param firstFailedAt when the first of them failed, or null when this was the first attempt
     */
    public Failed failed(
            String module,
            Envelope envelope,
            int failedBefore,
            @Nullable Instant firstFailedAt,
            RuntimeException error) {
        int attempts = failedBefore + 1;
        Instant first = firstFailedAt == null ? Instant.now() : firstFailedAt;
        if (!(error instanceof PoisonMessageException) && retryPolicy.allowsAnotherAttempt(attempts, error)) {
            Duration backoff = retryPolicy.backoffAfter(attempts);
            meters.counter("orderflow.messages.retried", "module", module, "type", String.valueOf(envelope.type()))
                    .increment();
            DistributionSummary.builder("orderflow.messages.retry.backoff")
                    .baseUnit("milliseconds")
                    .description("Backoff drawn before a retry, by the attempt that failed")
                    .tag("module", module)
                    .tag("attempt", Integer.toString(Math.min(attempts, 20)))
                    .register(meters)
                    .record(backoff.toMillis());
            tracing.inLogContext(
                    envelope,
                    () -> log.info(
                            "{} {} failed on attempt {} in {} ({}); retrying in {} ms",
                            envelope.type(),
                            envelope.messageId(),
                            attempts,
                            module,
                            error.toString(),
                            backoff.toMillis()));
            long ranFor = System.nanoTime() - attemptStarted.get()[0];
            journal.handled(
                    module,
                    Journal.Kind.RETRIED,
                    envelope,
                    attempts,
                    Instant.now().minusNanos(ranFor),
                    Duration.ofNanos(ranFor),
                    error.toString());
            return new Failed.Retry(attempts, first, backoff, error);
        }
        return new Failed.Park(attempts, first, error);
    }

    /** The kernel's decision on a failed delivery; see {@link #failed}. */
    public sealed interface Failed {

        int attempts();

        Instant firstFailedAt();

        RuntimeException error();

        /** Deliver again once {@code backoff} has passed. */
        record Retry(int attempts, Instant firstFailedAt, Duration backoff, RuntimeException error) implements Failed {}

        /** No retry can help or the budget is spent: into the module's dead letters. */
        record Park(int attempts, Instant firstFailedAt, RuntimeException error) implements Failed {}
    }

    /** Parks a message that cannot be applied, with enough context for an operator to act on it. */
    public void park(String module, Envelope envelope, Throwable error, int attempts, Instant firstFailedAt) {
        meters.counter("orderflow.messages.dead_lettered", "module", module, "type", String.valueOf(envelope.type()))
                .increment();
        tracing.inLogContext(
                envelope,
                () -> log.error(
                        "Parking {} {} for order {} in {} dead letters after {} " + "attempt(s): {}",
                        envelope.type(),
                        envelope.messageId(),
                        envelope.orderId(),
                        module,
                        attempts,
                        error.toString()));
        journal.parked(module, envelope, attempts, String.valueOf(error));
        jdbc.sql("insert into " + Modules.schemaOf(module) + ".dead_letter (message_id, type, order_id, payload, "
                        + "headers, error, stack, attempts, first_failed_at, last_failed_at, "
                        + "version, causation_id, occurred_at) "
                        + "values (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, now(), ?, ?, ?)")
                .params(
                        envelope.messageId(),
                        envelope.type(),
                        envelope.orderId(),
                        envelope.payload(),
                        json.writeValueAsString(envelope.headers()),
                        String.valueOf(error.getMessage()),
                        stackSummary(error),
                        attempts,
                        Timestamp.from(firstFailedAt),
                        // the rest of the envelope, so a re-drive can put back exactly what arrived
                        envelope.version(),
                        envelope.causationId(),
                        envelope.occurredAt() == null ? null : Timestamp.from(envelope.occurredAt()))
                .update();
    }

    private static String stackSummary(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        String text = out.toString();
        return text.length() > 4000 ? text.substring(0, 4000) : text;
    }
}
